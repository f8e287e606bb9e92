//! What the application around an LDK node keeps, as ldk-node does: a static invoice store
//! for nodes acting as static invoice server, and an onion message mailbox for nodes acting
//! as LSP (messages intercepted for an offline peer, released when it reconnects).
use lightning::bitcoin::secp256k1::PublicKey;
use lightning::blinded_path::message::BlindedMessagePath;
use lightning::ln::msgs::OnionMessage;
use lightning::offers::invoice_request::InvoiceRequest;
use lightning::offers::static_invoice::StaticInvoice;
use lightning::onion_message::messenger::Responder;
use std::collections::HashMap;

/// A `PersistStaticInvoice` the test has not yet confirmed (role `server_manual`).
pub struct PendingPersist {
	pub node: usize,
	pub recipient_id: Vec<u8>,
	pub slot: u16,
	pub invoice: StaticInvoice,
	pub path: BlindedMessagePath,
	pub responder: Responder,
}

/// A `StaticInvoiceRequested` the test has not yet answered (role `server_manual`).
pub struct PendingRequest {
	pub node: usize,
	pub recipient_id: Vec<u8>,
	pub slot: u16,
	pub request: InvoiceRequest,
	pub responder: Responder,
}

pub struct Store {
	roles: Vec<String>,
	invoices: HashMap<(usize, Vec<u8>, u16), (StaticInvoice, BlindedMessagePath)>,
	mailbox: HashMap<(usize, PublicKey), Vec<OnionMessage>>,
	next_ref: u64,
	pub pending_persists: HashMap<u64, PendingPersist>,
	pub pending_requests: HashMap<u64, PendingRequest>,
}

/// ldk-node's mailbox bound per peer; older messages are dropped first.
const MAILBOX_PER_PEER: usize = 64;

impl Store {
	pub fn new(roles: Vec<String>) -> Self {
		Store {
			roles,
			invoices: HashMap::new(),
			mailbox: HashMap::new(),
			next_ref: 1,
			pending_persists: HashMap::new(),
			pending_requests: HashMap::new(),
		}
	}

	/// Whether node `i` leaves persisting and answering to the test (`server_manual`).
	pub fn manual(&self, i: usize) -> bool {
		self.roles[i] == "server_manual"
	}

	pub fn new_ref(&mut self) -> u64 {
		self.next_ref += 1;
		self.next_ref - 1
	}

	/// Whether node `i` persists and serves static invoices on its own (the ldk-node behaviour).
	pub fn serves_invoices(&self, i: usize) -> bool {
		matches!(self.roles[i].as_str(), "server" | "lsp")
	}

	pub fn persist(&mut self, i: usize, recipient_id: Vec<u8>, slot: u16, inv: StaticInvoice, path: BlindedMessagePath) {
		self.invoices.insert((i, recipient_id, slot), (inv, path));
	}

	pub fn lookup(&self, i: usize, recipient_id: &[u8], slot: u16) -> Option<(StaticInvoice, BlindedMessagePath)> {
		self.invoices.get(&(i, recipient_id.to_vec(), slot)).cloned()
	}

	pub fn count(&self, i: usize) -> usize {
		self.invoices.keys().filter(|k| k.0 == i).count()
	}

	pub fn hold(&mut self, i: usize, peer: PublicKey, om: OnionMessage) {
		let q = self.mailbox.entry((i, peer)).or_default();
		if q.len() >= MAILBOX_PER_PEER {
			q.remove(0);
		}
		q.push(om);
	}

	pub fn release(&mut self, i: usize, peer: PublicKey) -> Vec<OnionMessage> {
		self.mailbox.remove(&(i, peer)).unwrap_or_default()
	}
}
