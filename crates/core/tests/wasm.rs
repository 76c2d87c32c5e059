//! The core's crypto, run in the browser (headless Chromium) as the PWA runs it:
//! `cargo test --target wasm32-unknown-unknown -p faltlogg-core --test wasm`.

#![cfg(target_arch = "wasm32")]

use faltlogg_core::api::team_key_context;
use faltlogg_core::change::Change;
use faltlogg_core::crypto::device::DeviceSecrets;
use faltlogg_core::crypto::vault::{derive_kek, new_salt, KdfParams, SealedVault};
use faltlogg_core::crypto::{sealed, CryptoError, SymmetricKey, TeamKey};
use faltlogg_core::envelope::{Envelope, EnvelopeError, Origin};
use faltlogg_core::fold;
use faltlogg_core::hlc::Hlc;
use faltlogg_core::ids;
use faltlogg_core::record::contact::{Contact, ContactKind};
use rand_core::OsRng;
use uuid::Uuid;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn contact(note: &str) -> Change {
    fold::create(&Contact::simple(
        Uuid::from_u128(1),
        1_700_000_000_000,
        "Centrum",
        ContactKind::CallIn,
        note,
    ))
}

#[wasm_bindgen_test]
fn envelope_round_trip_and_tamper_detection_in_the_browser() {
    let key = TeamKey {
        epoch: 1,
        key: SymmetricKey::generate(&mut OsRng),
    };
    let device = DeviceSecrets::generate(&mut OsRng);
    let origin = Origin {
        team: Uuid::from_u128(2),
        device: Uuid::from_u128(3),
        device_seq: 1,
        hlc: Hlc::default().tick(1),
    };
    let envelope = Envelope::seal(
        &contact("i webbläsaren"),
        ids::new_v7(1, &mut OsRng),
        origin,
        (&key, None),
        &device,
        &mut OsRng,
    )
    .unwrap();
    envelope.verify(&device.public()).unwrap();
    assert_eq!(
        envelope.open(std::slice::from_ref(&key), None).unwrap(),
        contact("i webbläsaren")
    );
    let mut bad = envelope.clone();
    bad.ciphertext[0] ^= 1;
    assert_eq!(bad.verify(&device.public()), Err(EnvelopeError::Signature));
    assert_eq!(bad.open(&[key], None), Err(EnvelopeError::Decrypt));
}

#[wasm_bindgen_test]
fn vault_and_sealed_team_key_in_the_browser() {
    let params = KdfParams::default();
    let salt = new_salt(&mut OsRng);
    let kek = derive_kek("lösenfras i webbläsaren", &salt, params).unwrap();
    let vault = SealedVault::seal(&kek, salt, params, b"secrets", &mut OsRng);
    assert_eq!(
        vault.unlock("lösenfras i webbläsaren").unwrap().1,
        b"secrets"
    );
    assert_eq!(vault.unlock("fel").unwrap_err(), CryptoError::Decrypt);

    let device = DeviceSecrets::generate(&mut OsRng);
    let context = team_key_context(Uuid::from_u128(9), 1);
    let box_ = sealed::seal(&device.public().exchange, &context, &[7; 32], &mut OsRng);
    assert_eq!(sealed::open(&device, &context, &box_).unwrap(), vec![7; 32]);
}
