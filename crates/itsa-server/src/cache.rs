//! Per-node caches for the two reads every API request would otherwise make of the
//! store: the bearer token, and a computed calculation's response body.
//!
//! Tokens never change once issued (they only expire), so a token is cached until it
//! expires. A computed calculation's views never change either, but its metadata does
//! when it is declared; a body is therefore kept for at most [`BODY_LIFETIME`], and is
//! dropped at once when this node records a declaration or a wipe for that
//! taxpayer. A declaration made through another node shows here within that lifetime.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use itsa_store::{Millis, Uuid};

use crate::auth::Principal;

/// How long a cached response body may be served.
pub const BODY_LIFETIME: Duration = Duration::from_secs(1);
/// Entries kept before a cache is emptied and starts again (a bound on memory).
const CAPACITY: usize = 100_000;

#[derive(Default)]
pub struct Caches {
    tokens: RwLock<HashMap<String, (Principal, Millis)>>,
    bodies: RwLock<HashMap<(Uuid, &'static str), CachedBody>>,
}

struct CachedBody {
    nino: String,
    tax_year: i32,
    body: Bytes,
    stored: Instant,
}

impl Caches {
    /// The principal of a token (by its hash), if cached and unexpired at `now`.
    pub fn token(&self, hash: &str, now: Millis) -> Option<Principal> {
        let tokens = self.tokens.read().ok()?;
        let (principal, expires_at) = tokens.get(hash)?;
        (*expires_at > now).then(|| principal.clone())
    }

    pub fn remember_token(&self, hash: String, principal: Principal, expires_at: Millis) {
        if let Ok(mut tokens) = self.tokens.write() {
            if tokens.len() >= CAPACITY {
                tokens.clear();
            }
            tokens.insert(hash, (principal, expires_at));
        }
    }

    /// The cached body of a calculation's view (`view` names the API shape), if it belongs
    /// to this taxpayer and year and is fresh.
    pub fn body(&self, id: Uuid, view: &'static str, nino: &str, tax_year: i32) -> Option<Bytes> {
        let bodies = self.bodies.read().ok()?;
        let cached = bodies.get(&(id, view))?;
        (cached.nino == nino && cached.tax_year == tax_year && cached.stored.elapsed() < BODY_LIFETIME)
            .then(|| cached.body.clone())
    }

    pub fn remember_body(&self, id: Uuid, view: &'static str, nino: &str, tax_year: i32, body: Bytes) {
        if let Ok(mut bodies) = self.bodies.write() {
            if bodies.len() >= CAPACITY {
                bodies.clear();
            }
            bodies.insert((id, view), CachedBody { nino: nino.to_owned(), tax_year, body, stored: Instant::now() });
        }
    }

    /// Drop every cached body of a taxpayer.s (after a declaration or a wipe).
    pub fn forget_taxpayer(&self, nino: &str) {
        if let Ok(mut bodies) = self.bodies.write() {
            bodies.retain(|_, cached| cached.nino != nino);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_belong_to_their_taxpayer_and_expire_with_a_declaration() {
        let caches = Caches::default();
        let id = Uuid::new_v4();
        caches.remember_body(id, "v8", "AA123456A", 2025, Bytes::from_static(b"{}"));
        assert!(caches.body(id, "v8", "AA123456A", 2025).is_some());
        assert!(caches.body(id, "v8", "AA654321B", 2025).is_none(), "another taxpayer's path");
        assert!(caches.body(id, "v8", "AA123456A", 2024).is_none(), "another year's path");
        assert!(caches.body(id, "v3", "AA123456A", 2025).is_none(), "another view");
        caches.forget_taxpayer("AA123456A");
        assert!(caches.body(id, "v8", "AA123456A", 2025).is_none());
    }

    #[test]
    fn tokens_are_served_until_they_expire() {
        let caches = Caches::default();
        let p = Principal::Individual { nino: "AA123456A".into(), scopes: vec![] };
        caches.remember_token("h".into(), p.clone(), 100);
        assert_eq!(caches.token("h", 99), Some(p));
        assert_eq!(caches.token("h", 100), None);
    }
}
