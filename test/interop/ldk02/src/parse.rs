//! LDK's parsers applied to bytes from our code: static invoices, offers, invoice requests,
//! blinded paths. Each answer lists the fields LDK read, for field-by-field comparison.
use crate::proto::{hex_of, str_of, to_hex};
use lightning::offers::invoice_request::InvoiceRequest;
use lightning::offers::offer::{Amount, Offer};
use lightning::offers::static_invoice::StaticInvoice;
use lightning::util::ser::Writeable;
use serde_json::{json, Value};

fn amount(a: Option<Amount>) -> Value {
	match a {
		Some(Amount::Bitcoin { amount_msats }) => json!({"msat": amount_msats}),
		Some(Amount::Currency { iso4217_code, amount }) => json!({"currency": format!("{:?}", iso4217_code), "amount": amount}),
		None => Value::Null,
	}
}

pub fn command(cmd: &str, v: &Value) -> Result<Option<Value>, String> {
	Ok(Some(match cmd {
		"parse_static_invoice" => match StaticInvoice::try_from(hex_of(v, "hex")?) {
			Err(e) => json!({"ok": false, "error": format!("{:?}", e)}),
			Ok(inv) => json!({
				"ok": true,
				"chain": to_hex(inv.chain().as_bytes()),
				"offer_paths": inv.offer_message_paths().iter().map(|p| to_hex(&p.encode())).collect::<Vec<_>>(),
				"held_htlc_available_paths": inv.message_paths().iter().map(|p| to_hex(&p.encode())).collect::<Vec<_>>(),
				"payment_paths": inv.payment_paths().iter().map(|p| json!({"intro": format!("{:?}", p.introduction_node()), "fee_base_msat": p.payinfo.fee_base_msat, "fee_proportional_millionths": p.payinfo.fee_proportional_millionths, "cltv_expiry_delta": p.payinfo.cltv_expiry_delta, "htlc_minimum_msat": p.payinfo.htlc_minimum_msat, "htlc_maximum_msat": p.payinfo.htlc_maximum_msat})).collect::<Vec<_>>(),
				"created_at": inv.created_at().as_secs(),
				"relative_expiry": inv.relative_expiry().as_secs(),
				"absolute_expiry": inv.absolute_expiry().map(|d| d.as_secs()),
				"issuer_signing_pubkey": inv.issuer_signing_pubkey().map(|k| to_hex(&k.serialize())),
				"signing_pubkey": to_hex(&inv.signing_pubkey().serialize()),
				"amount": amount(inv.amount()),
				"description": inv.description().map(|d| d.to_string()),
				"features": to_hex(&inv.invoice_features().le_flags().iter().rev().cloned().collect::<Vec<u8>>()),
				"offer_features": to_hex(&inv.offer_features().le_flags().iter().rev().cloned().collect::<Vec<u8>>()),
				"issuer": inv.issuer().map(|d| d.to_string()),
				"metadata": inv.metadata().map(|m| to_hex(m)),
				"quantity": format!("{:?}", inv.supported_quantity()),
				"is_offer_expired": inv.is_offer_expired(),
				"is_expired": inv.is_expired(),
				"signature": to_hex(inv.signature().as_ref()),
				"offer_id": to_hex(&inv.offer_id().0),
				"reencoded": to_hex(&inv.encode()),
			}),
		},
		"parse_offer" => {
			let s = str_of(v, "offer")?;
			// Hex is raw offer bytes; anything else goes to LDK's bech32 string parser.
			let r = match crate::proto::from_hex(s) {
				Ok(b) if !s.is_empty() => Offer::try_from(b),
				_ => s.parse::<Offer>(),
			};
			match r {
				Err(e) => json!({"ok": false, "error": format!("{:?}", e)}),
				Ok(o) => json!({
					"ok": true,
					"chains": o.chains().iter().map(|c| to_hex(c.as_bytes())).collect::<Vec<_>>(),
					"paths": o.paths().iter().map(|p| to_hex(&p.encode())).collect::<Vec<_>>(),
					"issuer_signing_pubkey": o.issuer_signing_pubkey().map(|k| to_hex(&k.serialize())),
					"absolute_expiry": o.absolute_expiry().map(|d| d.as_secs()),
					"amount": amount(o.amount()),
					"description": o.description().map(|d| d.to_string()),
					"hex": to_hex(o.as_ref()),
				}),
			}
		},
		"parse_invoice_request" => match InvoiceRequest::try_from(hex_of(v, "hex")?) {
			Err(e) => json!({"ok": false, "error": format!("{:?}", e)}),
			Ok(r) => json!({
				"ok": true,
				"payer_signing_pubkey": to_hex(&r.payer_signing_pubkey().serialize()),
				"amount_msats": r.amount_msats(),
				"chain": to_hex(r.chain().as_bytes()),
				"issuer_signing_pubkey": r.issuer_signing_pubkey().map(|k| to_hex(&k.serialize())),
			}),
		},
		_ => return Ok(None),
	}))
}
