//! The wire between the TypeScript driver and this process: one JSON object per line on
//! stdin (commands) and stdout (replies and events). LDK's test logger prints to stdout,
//! so at start-up the real stdout is kept for the protocol and fd 1 is pointed at stderr.
use serde_json::Value;
use std::fs::File;
use std::io::{BufRead, Write};
use std::os::fd::FromRawFd;
use std::sync::mpsc::{channel, Receiver};
use std::sync::Mutex;

extern "C" {
	fn dup(fd: i32) -> i32;
	fn dup2(from: i32, to: i32) -> i32;
}

static OUT: Mutex<Option<File>> = Mutex::new(None);

/// Keeps the original stdout for protocol lines and sends everything printed (LDK logs) to stderr.
pub fn take_stdout_for_protocol() {
	// SAFETY: plain POSIX fd duplication at start-up, before any other thread prints.
	let fd = unsafe { dup(1) };
	assert!(fd >= 0, "dup(1) failed");
	let r = unsafe { dup2(2, 1) };
	assert!(r >= 0, "dup2(2, 1) failed");
	*OUT.lock().unwrap() = Some(unsafe { File::from_raw_fd(fd) });
}

/// Writes one protocol line and flushes it.
pub fn emit(v: Value) {
	let mut line = v.to_string();
	line.push('\n');
	let mut out = OUT.lock().unwrap();
	let f = out.as_mut().expect("protocol stdout taken");
	// The driver gone means the test is over: exit quietly.
	if f.write_all(line.as_bytes()).and_then(|_| f.flush()).is_err() {
		std::process::exit(0);
	}
}

/// Lines of stdin, read on their own thread.
pub fn stdin_lines() -> Receiver<String> {
	let (tx, rx) = channel();
	std::thread::spawn(move || {
		for line in std::io::stdin().lock().lines() {
			match line {
				Ok(l) => {
					if tx.send(l).is_err() {
						break;
					}
				},
				Err(_) => break,
			}
		}
	});
	rx
}

pub fn to_hex(b: &[u8]) -> String {
	const D: &[u8; 16] = b"0123456789abcdef";
	let mut s = String::with_capacity(b.len() * 2);
	for x in b {
		s.push(D[(x >> 4) as usize] as char);
		s.push(D[(x & 15) as usize] as char);
	}
	s
}

pub fn from_hex(s: &str) -> Result<Vec<u8>, String> {
	if s.len() % 2 != 0 {
		return Err("odd-length hex".into());
	}
	let v = |c: u8| -> Result<u8, String> {
		match c {
			b'0'..=b'9' => Ok(c - b'0'),
			b'a'..=b'f' => Ok(c - b'a' + 10),
			b'A'..=b'F' => Ok(c - b'A' + 10),
			_ => Err("bad hex digit".into()),
		}
	};
	s.as_bytes().chunks(2).map(|p| Ok(v(p[0])? << 4 | v(p[1])?)).collect()
}

/// Field accessors that turn a missing/mistyped field into a command error.
pub fn str_of<'a>(v: &'a Value, k: &str) -> Result<&'a str, String> {
	v.get(k).and_then(|x| x.as_str()).ok_or_else(|| format!("missing string field {}", k))
}
pub fn hex_of(v: &Value, k: &str) -> Result<Vec<u8>, String> {
	from_hex(str_of(v, k)?)
}
pub fn u64_of(v: &Value, k: &str) -> Result<u64, String> {
	v.get(k).and_then(|x| x.as_u64()).ok_or_else(|| format!("missing integer field {}", k))
}
