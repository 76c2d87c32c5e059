//! Envelope decoding, as the server and every device do it on bytes from elsewhere: never a
//! panic, and what decodes writes back to bytes that decode to the same envelope.
#![no_main]

use faltlogg_core::api::{PullResponse, PushRequest, PushResponse};
use faltlogg_core::envelope::Envelope;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = Envelope::from_bytes(data) {
        let _ = envelope.check_shape();
        let again = Envelope::from_bytes(&envelope.to_bytes()).expect("what it writes, it reads");
        assert_eq!(again, envelope);
    }
    // The bodies that carry envelopes, in both of the API's encodings.
    let _ = postcard::from_bytes::<PushRequest>(data);
    let _ = postcard::from_bytes::<PushResponse>(data);
    let _ = postcard::from_bytes::<PullResponse>(data);
    let _ = serde_json::from_slice::<PushRequest>(data);
});
