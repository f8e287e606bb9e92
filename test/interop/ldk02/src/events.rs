//! LDK events: reported to the driver as JSON, and handled the way an application on LDK
//! (ldk-node) handles them: claim what is claimable, persist and serve static invoices,
//! hold onion messages for offline peers.
use crate::bridge::Bridge;
use crate::proto::{emit, to_hex};
use crate::store::{PendingPersist, PendingRequest};
use lightning::events::{Event, EventsProvider, PaidBolt12Invoice};
use lightning::ln::msgs::OnionMessage;
use lightning::util::ser::Writeable;
use serde_json::{json, Value};
use std::cell::RefCell;

fn variant(ev: &Event) -> String {
	let d = format!("{:?}", ev);
	d.split(|c: char| c == ' ' || c == '{' || c == '(').next().unwrap_or("").to_string()
}

impl<'n, 'a, 'b, 'c> Bridge<'n, 'a, 'b, 'c> {
	pub fn handle_events(&mut self, i: usize) -> bool {
		let mut evs = self.nodes[i].node.get_and_clear_pending_events();
		let om_evs = RefCell::new(Vec::new());
		self.nodes[i].onion_messenger.process_pending_events(&|e| Ok(om_evs.borrow_mut().push(e)));
		evs.extend(om_evs.into_inner());
		let progress = !evs.is_empty();
		for ev in evs {
			self.handle_event(i, ev);
		}
		progress
	}

	fn report(&self, i: usize, kind: &str, mut fields: Value) {
		fields["ev"] = json!("ldk");
		fields["node"] = json!(self.names[i]);
		fields["kind"] = json!(kind);
		emit(fields);
	}

	fn handle_event(&mut self, i: usize, ev: Event) {
		let node = self.nodes[i].node;
		match ev {
			Event::PersistStaticInvoice { invoice, invoice_request_path, invoice_slot, recipient_id, invoice_persisted_path } => {
				self.report(i, "PersistStaticInvoice", json!({
					"recipient_id": to_hex(&recipient_id), "invoice_slot": invoice_slot,
					"invoice": to_hex(&invoice.encode()), "invoice_request_path": to_hex(&invoice_request_path.encode()),
				}));
				if self.store.serves_invoices(i) {
					self.store.persist(i, recipient_id, invoice_slot, invoice, invoice_request_path);
					node.static_invoice_persisted(invoice_persisted_path);
				} else if self.store.manual(i) {
					let r = self.store.new_ref();
					self.report(i, "PendingPersist", json!({"ref": r, "invoice_slot": invoice_slot}));
					self.store.pending_persists.insert(r, PendingPersist {
						node: i, recipient_id, slot: invoice_slot, invoice, path: invoice_request_path, responder: invoice_persisted_path,
					});
				}
			},
			Event::StaticInvoiceRequested { recipient_id, invoice_slot, reply_path, invoice_request } => {
				let found = self.store.lookup(i, &recipient_id, invoice_slot);
				self.report(i, "StaticInvoiceRequested", json!({
					"recipient_id": to_hex(&recipient_id), "invoice_slot": invoice_slot,
					"invoice_request": to_hex(&invoice_request.encode()), "found": found.is_some(),
				}));
				if let (true, Some((inv, path))) = (self.store.serves_invoices(i), found) {
					if let Err(e) = node.respond_to_static_invoice_request(inv, reply_path, invoice_request, path) {
						self.report(i, "RespondError", json!({"error": format!("{:?}", e)}));
					}
				} else if self.store.manual(i) {
					let r = self.store.new_ref();
					self.report(i, "PendingRequest", json!({"ref": r, "invoice_slot": invoice_slot}));
					self.store.pending_requests.insert(r, PendingRequest {
						node: i, recipient_id, slot: invoice_slot, request: invoice_request, responder: reply_path,
					});
				}
			},
			Event::PaymentClaimable { payment_hash, amount_msat, purpose, .. } => {
				self.report(i, "PaymentClaimable", json!({
					"payment_hash": to_hex(&payment_hash.0), "amount_msat": amount_msat, "purpose": format!("{:?}", purpose).split(' ').next().unwrap_or(""),
				}));
				if let Some(p) = purpose.preimage() {
					node.claim_funds(p);
				}
			},
			Event::PaymentClaimed { payment_hash, amount_msat, .. } => {
				self.report(i, "PaymentClaimed", json!({"payment_hash": to_hex(&payment_hash.0), "amount_msat": amount_msat}));
			},
			Event::PaymentSent { payment_id, payment_preimage, payment_hash, fee_paid_msat, bolt12_invoice, .. } => {
				let (kind, inv) = match &bolt12_invoice {
					Some(PaidBolt12Invoice::StaticInvoice(s)) => ("static", to_hex(&s.encode())),
					Some(PaidBolt12Invoice::Bolt12Invoice(b)) => ("bolt12", to_hex(&b.encode())),
					None => ("none", String::new()),
				};
				self.report(i, "PaymentSent", json!({
					"payment_id": payment_id.map(|p| to_hex(&p.0)), "payment_hash": to_hex(&payment_hash.0),
					"payment_preimage": to_hex(&payment_preimage.0), "fee_paid_msat": fee_paid_msat,
					"invoice_kind": kind, "invoice": inv,
				}));
			},
			Event::PaymentFailed { payment_id, payment_hash, reason } => {
				self.report(i, "PaymentFailed", json!({
					"payment_id": to_hex(&payment_id.0), "payment_hash": payment_hash.map(|h| to_hex(&h.0)), "reason": format!("{:?}", reason),
				}));
			},
			Event::PaymentPathFailed { payment_hash, payment_failed_permanently, failure, .. } => {
				self.report(i, "PaymentPathFailed", json!({
					"payment_hash": to_hex(&payment_hash.0), "permanently": payment_failed_permanently, "failure": format!("{:?}", failure),
				}));
			},
			Event::OnionMessageIntercepted { peer_node_id, message } => {
				self.report(i, "OnionMessageIntercepted", json!({"peer": to_hex(&peer_node_id.serialize())}));
				self.store.hold(i, peer_node_id, message);
			},
			Event::OnionMessagePeerConnected { peer_node_id } => {
				let held: Vec<OnionMessage> = self.store.release(i, peer_node_id);
				self.report(i, "OnionMessagePeerConnected", json!({"peer": to_hex(&peer_node_id.serialize()), "released": held.len()}));
				for om in held {
					if let Err(e) = self.nodes[i].onion_messenger.forward_onion_message(om, &peer_node_id) {
						self.report(i, "ForwardError", json!({"error": format!("{:?}", e)}));
					}
				}
			},
			// ldk-node connects to the node LDK names (onion messages to a non-peer introduction node).
			Event::ConnectionNeeded { node_id, .. } => {
				let hex = to_hex(&node_id.serialize());
				match self.ids.iter().position(|x| *x == node_id) {
					Some(j) if self.online[i] && self.online[j] => {
						if !self.linked(i, j) {
							lightning::ln::functional_test_utils::connect_nodes(&self.nodes[i], &self.nodes[j]);
							self.links.insert(if i < j { (i, j) } else { (j, i) });
						}
						self.report(i, "ConnectionNeeded", json!({"peer": hex, "connected": true}));
					},
					// A simulator node (or an offline one): the driver decides.
					_ => self.report(i, "ConnectionNeeded", json!({"peer": hex, "connected": false})),
				}
			},
			other => {
				let k = variant(&other);
				self.report(i, &k, json!({"debug": format!("{:?}", other).chars().take(1500).collect::<String>()}));
			},
		}
	}
}
