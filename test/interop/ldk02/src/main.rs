//! ldk02-bridge: LDK 0.2.5 nodes (real ChannelManagers and OnionMessengers, channels on LDK's
//! test chain) joined to the cln-asyncpay TypeScript simulator. Protocol: README.md.
mod bridge;
mod commands;
mod events;
mod parse;
mod proto;
mod setup;
mod store;

use lightning::ln::functional_test_utils::*;
use proto::{emit, to_hex};
use serde_json::{json, Value};

fn main() {
	proto::take_stdout_for_protocol();
	let lines = proto::stdin_lines();
	let first = match lines.recv() {
		Ok(l) => l,
		Err(_) => return,
	};
	let spec = match serde_json::from_str::<Value>(&first).map_err(|e| e.to_string()).and_then(|v| setup::parse_spec(&v)) {
		Ok(s) => s,
		Err(e) => {
			emit(json!({"ev": "fatal", "error": e}));
			std::process::exit(2);
		},
	};
	let n = spec.nodes.len();
	let configs: Vec<_> = match spec.nodes.iter().map(|s| setup::role_config(&s.role)).collect::<Result<Vec<_>, _>>() {
		Ok(c) => c,
		Err(e) => {
			emit(json!({"ev": "fatal", "error": e}));
			std::process::exit(2);
		},
	};
	let chanmon_cfgs = create_chanmon_cfgs(n);
	let node_cfgs = create_node_cfgs(n, &chanmon_cfgs);
	let chanmgrs = create_node_chanmgrs(n, &node_cfgs, &configs);
	let nodes = create_network(n, &node_cfgs, &chanmgrs);
	let links = setup::open_channels(&nodes, &spec);
	let names: Vec<String> = spec.nodes.iter().map(|s| s.name.clone()).collect();
	let roles: Vec<String> = spec.nodes.iter().map(|s| s.role.clone()).collect();
	let mut bridge = bridge::Bridge::new(&nodes, names.clone(), roles, links);
	bridge.pump();
	emit(json!({"ev": "ready", "nodes": names.iter().zip(bridge.ids.iter()).map(|(name, id)| json!({"name": name, "id": to_hex(&id.serialize())})).collect::<Vec<_>>()}));

	while let Ok(line) = lines.recv() {
		let v: Value = match serde_json::from_str(&line) {
			Ok(v) => v,
			Err(e) => {
				emit(json!({"ev": "error", "error": format!("bad JSON: {}", e)}));
				continue;
			},
		};
		let id = v.get("id").cloned().unwrap_or(Value::Null);
		let cmd = v.get("cmd").and_then(|c| c.as_str()).unwrap_or("").to_string();
		// Commands answer after the network has settled, so events they cause come first.
		let res = bridge.command(&cmd, &v);
		bridge.pump();
		match res {
			Ok(r) => emit(json!({"re": id, "ok": true, "result": r})),
			Err(e) => emit(json!({"re": id, "ok": false, "error": e})),
		}
	}
	// Skip the functional-test Drop checks (they assert a test consumed every event).
	std::process::exit(0);
}
