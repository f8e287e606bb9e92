//! Builds the LDK side of a test network with LDK's functional-test utilities: nodes with
//! the configuration of their role, channels opened and confirmed on LDK's test chain, and
//! peer links only where there is a channel (as on a real network).
use lightning::ln::functional_test_utils::*;
use lightning::util::config::UserConfig;
use lightning::ln::msgs::BaseMessageHandler;
use serde_json::Value;

pub struct NodeSpec {
	pub name: String,
	pub role: String,
}

pub struct ChannelSpec {
	pub a: usize,
	pub b: usize,
	pub announced: bool,
	pub sats: u64,
}

pub struct Spec {
	pub nodes: Vec<NodeSpec>,
	pub channels: Vec<ChannelSpec>,
}

pub fn parse_spec(v: &Value) -> Result<Spec, String> {
	let nodes: Vec<NodeSpec> = v
		.get("nodes")
		.and_then(|n| n.as_array())
		.ok_or("init: missing nodes")?
		.iter()
		.map(|n| NodeSpec {
			name: n.get("name").and_then(|x| x.as_str()).unwrap_or("").to_string(),
			role: n.get("role").and_then(|x| x.as_str()).unwrap_or("plain").to_string(),
		})
		.collect();
	if nodes.len() < 2 || nodes.iter().any(|n| n.name.is_empty()) {
		return Err("init: at least two named nodes".into());
	}
	let idx = |name: &str| nodes.iter().position(|n| n.name == name);
	let mut channels = Vec::new();
	for c in v.get("channels").and_then(|c| c.as_array()).cloned().unwrap_or_default() {
		let a = c.get("a").and_then(|x| x.as_str()).and_then(idx).ok_or("init: bad channel end a")?;
		let b = c.get("b").and_then(|x| x.as_str()).and_then(idx).ok_or("init: bad channel end b")?;
		channels.push(ChannelSpec {
			a,
			b,
			announced: c.get("announced").and_then(|x| x.as_bool()).unwrap_or(false),
			sats: c.get("sats").and_then(|x| x.as_u64()).unwrap_or(1_000_000),
		});
	}
	Ok(Spec { nodes, channels })
}

/// The configuration LDK's own async-payment tests give each role.
pub fn role_config(role: &str) -> Result<Option<UserConfig>, String> {
	let mut cfg = test_default_channel_config();
	match role {
		"plain" => return Ok(None),
		// A mobile wallet: private channels, outbound HTLCs held at its LSP until released.
		"often_offline" => {
			cfg.channel_handshake_config.announce_for_forwarding = false;
			cfg.channel_handshake_limits.force_announced_channel_preference = true;
			cfg.hold_outbound_htlcs_at_next_hop = true;
		},
		// The wallet's LSP: holds HTLCs flagged hold_htlc, forwards to private channels.
		"lsp" => {
			cfg.enable_htlc_hold = true;
			cfg.accept_forwards_to_priv_channels = true;
		},
		// A static invoice server that is also the recipient's channel peer (server_manual: the
		// test calls static_invoice_persisted / respond_to_static_invoice_request itself).
		"server" | "server_manual" => {
			cfg.accept_forwards_to_priv_channels = true;
		},
		_ => return Err(format!("unknown role {}", role)),
	}
	Ok(Some(cfg))
}

/// Opens every channel (confirmed on the test chain), brings all nodes to one height, and
/// disconnects LDK node pairs that share no channel. Returns the pairs left connected.
pub fn open_channels<'b, 'c: 'd, 'd>(nodes: &Vec<Node<'b, 'c, 'd>>, spec: &Spec) -> Vec<(usize, usize)> {
	for c in &spec.channels {
		if c.announced {
			create_announced_chan_between_nodes_with_value(nodes, c.a, c.b, c.sats, 0);
		} else {
			create_unannounced_chan_between_nodes_with_value(nodes, c.a, c.b, c.sats, 0);
		}
	}
	let top = nodes.iter().map(|n| n.best_block_info().1).max().unwrap_or(0);
	for n in nodes {
		let h = n.best_block_info().1;
		if h < top {
			connect_blocks(n, top - h);
		}
	}
	let mut links = Vec::new();
	for i in 0..nodes.len() {
		for j in (i + 1)..nodes.len() {
			let linked = spec.channels.iter().any(|c| (c.a == i && c.b == j) || (c.a == j && c.b == i));
			if linked {
				links.push((i, j));
			} else {
				disconnect(&nodes[i], &nodes[j]);
			}
		}
	}
	links
}

pub fn disconnect<'a, 'b, 'c>(x: &Node<'a, 'b, 'c>, y: &Node<'a, 'b, 'c>) {
	let (xi, yi) = (x.node.get_our_node_id(), y.node.get_our_node_id());
	x.node.peer_disconnected(yi);
	x.onion_messenger.peer_disconnected(yi);
	y.node.peer_disconnected(xi);
	y.onion_messenger.peer_disconnected(xi);
}
