//! The running bridge: LDK nodes in one process, their links to each other (delivered here)
//! and to simulator nodes (onion messages only, crossing as JSON lines), and the pump that
//! moves every queued LDK message until the network is quiet.
use crate::proto::{emit, to_hex};
use crate::store::Store;
use lightning::ln::functional_test_utils::*;
use lightning::ln::msgs::{
	BaseMessageHandler, ChannelMessageHandler, MessageSendEvent, OnionMessage, OnionMessageHandler,
};
use lightning::util::ser::Writeable;
use lightning::bitcoin::secp256k1::PublicKey;
use serde_json::json;
use std::collections::HashSet;

pub struct Bridge<'n, 'a, 'b, 'c> {
	pub nodes: &'n Vec<Node<'a, 'b, 'c>>,
	pub names: Vec<String>,
	pub ids: Vec<PublicKey>,
	/// Connected LDK pairs (i < j).
	pub links: HashSet<(usize, usize)>,
	/// Pairs with a channel: restored when a node comes back online.
	pub home_links: Vec<(usize, usize)>,
	/// Simulator peers each LDK node is connected to (onion messages only).
	pub sim_peers: Vec<HashSet<PublicKey>>,
	pub online: Vec<bool>,
	pub store: Store,
}

fn pair(i: usize, j: usize) -> (usize, usize) {
	if i < j { (i, j) } else { (j, i) }
}

impl<'n, 'a, 'b, 'c> Bridge<'n, 'a, 'b, 'c> {
	pub fn new(nodes: &'n Vec<Node<'a, 'b, 'c>>, names: Vec<String>, roles: Vec<String>, links: Vec<(usize, usize)>) -> Self {
		let ids = nodes.iter().map(|n| n.node.get_our_node_id()).collect();
		let n = nodes.len();
		Bridge {
			nodes,
			names,
			ids,
			links: links.iter().cloned().collect(),
			home_links: links,
			sim_peers: vec![HashSet::new(); n],
			online: vec![true; n],
			store: Store::new(roles),
		}
	}

	pub fn index(&self, name: &str) -> Result<usize, String> {
		self.names.iter().position(|x| x == name).ok_or_else(|| format!("no LDK node {}", name))
	}

	fn index_of_id(&self, id: &PublicKey) -> Option<usize> {
		self.ids.iter().position(|x| x == id)
	}

	pub fn linked(&self, i: usize, j: usize) -> bool {
		self.links.contains(&pair(i, j))
	}

	/// Takes node `i` off the network (all LDK and simulator links) or brings it back
	/// (LDK links with channels; the driver reconnects simulator links itself).
	pub fn set_online(&mut self, i: usize, online: bool) {
		if online == self.online[i] {
			return;
		}
		self.online[i] = online;
		if !online {
			for (x, y) in self.links.clone() {
				if x == i || y == i {
					crate::setup::disconnect(&self.nodes[x], &self.nodes[y]);
					self.links.remove(&(x, y));
				}
			}
			for p in self.sim_peers[i].drain().collect::<Vec<_>>() {
				self.nodes[i].onion_messenger.peer_disconnected(p);
			}
		} else {
			for (x, y) in self.home_links.clone() {
				if (x == i || y == i) && self.online[x] && self.online[y] {
					connect_nodes(&self.nodes[x], &self.nodes[y]);
					self.links.insert((x, y));
				}
			}
		}
	}

	pub fn connect_sim(&mut self, i: usize, peer: PublicKey) -> Result<(), String> {
		if !self.online[i] {
			return Err(format!("{} is offline", self.names[i]));
		}
		if self.sim_peers[i].insert(peer) {
			let init = lightning::ln::msgs::Init {
				features: self.nodes[i].onion_messenger.provided_init_features(peer),
				networks: None,
				remote_network_address: None,
			};
			self.nodes[i].onion_messenger.peer_connected(peer, &init, true).map_err(|_| "peer_connected refused".to_string())?;
		}
		Ok(())
	}

	pub fn disconnect_sim(&mut self, i: usize, peer: PublicKey) {
		if self.sim_peers[i].remove(&peer) {
			self.nodes[i].onion_messenger.peer_disconnected(peer);
		}
	}

	/// Moves messages and events until nothing is left to do.
	pub fn pump(&mut self) {
		for _ in 0..10_000 {
			let mut progress = false;
			for i in 0..self.nodes.len() {
				self.nodes[i].node.process_pending_htlc_forwards();
				progress |= self.pump_channel_messages(i);
				progress |= self.pump_onion_messages(i);
				progress |= self.handle_events(i);
			}
			if !progress {
				return;
			}
		}
		emit(json!({"ev": "error", "error": "pump did not settle"}));
	}

	fn pump_onion_messages(&mut self, i: usize) -> bool {
		let mut progress = false;
		// Only connected peers: LDK asserts when asked for a peer it is still waiting to connect.
		let mut peers: Vec<PublicKey> = self.sim_peers[i].iter().cloned().collect();
		peers.extend((0..self.ids.len()).filter(|&j| j != i && self.linked(i, j)).map(|j| self.ids[j]));
		for peer in peers {
			while let Some(om) = self.nodes[i].onion_messenger.next_onion_message_for_peer(peer) {
				progress = true;
				self.deliver_onion(i, peer, om);
			}
		}
		progress
	}

	fn deliver_onion(&mut self, i: usize, peer: PublicKey, om: OnionMessage) {
		if let Some(j) = self.index_of_id(&peer) {
			if self.linked(i, j) {
				self.nodes[j].onion_messenger.handle_onion_message(self.ids[i], &om);
			} else {
				emit(json!({"ev": "onion_dropped", "node": self.names[i], "peer": to_hex(&peer.serialize()), "why": "not connected"}));
			}
		} else if self.sim_peers[i].contains(&peer) {
			emit(json!({"ev": "onion_out", "node": self.names[i], "peer": to_hex(&peer.serialize()), "om": to_hex(&om.encode())}));
		} else {
			emit(json!({"ev": "onion_dropped", "node": self.names[i], "peer": to_hex(&peer.serialize()), "why": "unknown peer"}));
		}
	}

	fn pump_channel_messages(&mut self, i: usize) -> bool {
		let evs = self.nodes[i].node.get_and_clear_pending_msg_events();
		let progress = !evs.is_empty();
		for ev in evs {
			self.deliver_channel_message(i, ev);
		}
		progress
	}

	fn deliver_channel_message(&mut self, i: usize, ev: MessageSendEvent) {
		let from = self.ids[i];
		let to_node = |id: &PublicKey| -> Option<usize> {
			let j = self.index_of_id(id)?;
			if self.linked(i, j) { Some(j) } else { None }
		};
		use MessageSendEvent::*;
		match ev {
			SendChannelReady { node_id, msg } => {
				if let Some(j) = to_node(&node_id) { self.nodes[j].node.handle_channel_ready(from, &msg) }
			},
			SendAnnouncementSignatures { node_id, msg } => {
				if let Some(j) = to_node(&node_id) { self.nodes[j].node.handle_announcement_signatures(from, &msg) }
			},
			UpdateHTLCs { node_id, updates, .. } => {
				if let Some(j) = to_node(&node_id) {
					let h = &self.nodes[j].node;
					for m in &updates.update_add_htlcs { h.handle_update_add_htlc(from, m) }
					for m in updates.update_fulfill_htlcs { h.handle_update_fulfill_htlc(from, m) }
					for m in &updates.update_fail_htlcs { h.handle_update_fail_htlc(from, m) }
					for m in &updates.update_fail_malformed_htlcs { h.handle_update_fail_malformed_htlc(from, m) }
					if let Some(m) = &updates.update_fee { h.handle_update_fee(from, m) }
					h.handle_commitment_signed_batch_test(from, &updates.commitment_signed);
				}
			},
			SendRevokeAndACK { node_id, msg } => {
				if let Some(j) = to_node(&node_id) { self.nodes[j].node.handle_revoke_and_ack(from, &msg) }
			},
			SendChannelReestablish { node_id, msg } => {
				if let Some(j) = to_node(&node_id) { self.nodes[j].node.handle_channel_reestablish(from, &msg) }
			},
			SendChannelUpdate { node_id, msg } => {
				if let Some(j) = to_node(&node_id) { self.nodes[j].node.handle_channel_update(from, &msg) }
			},
			SendPeerStorage { node_id, msg } => {
				if let Some(j) = to_node(&node_id) { self.nodes[j].node.handle_peer_storage(from, msg) }
			},
			SendPeerStorageRetrieval { node_id, msg } => {
				if let Some(j) = to_node(&node_id) { self.nodes[j].node.handle_peer_storage_retrieval(from, msg) }
			},
			// Gossip was exchanged when the channels were opened; re-broadcasts change nothing here.
			BroadcastChannelUpdate { .. } | BroadcastChannelAnnouncement { .. } | BroadcastNodeAnnouncement { .. } | SendChannelAnnouncement { .. } => {},
			HandleError { node_id, action } => {
				emit(json!({"ev": "channel_error", "node": self.names[i], "peer": to_hex(&node_id.serialize()), "action": format!("{:?}", action)}));
			},
			other => {
				emit(json!({"ev": "unhandled_message", "node": self.names[i], "what": format!("{:?}", other)}));
			},
		}
	}
}
