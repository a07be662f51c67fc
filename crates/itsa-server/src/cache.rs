//! Per-node caches for the two reads every API request would otherwise make of the
//! store: the bearer token, and a computed calculation's response body. Both are bounded.
//!
//! Tokens never change once issued (they only expire), so a token is cached until it
//! expires; at most [`TOKEN_CAPACITY`] are kept, expired ones going first.
//!
//! A computed calculation's views never change either, but its metadata does when it is
//! declared; a body is therefore kept for at most [`BODY_LIFETIME`], and is dropped at
//! once when this node records a declaration or a wipe for that taxpayer (a declaration
//! made through another node shows here within that lifetime). Bodies are kept within a
//! byte budget: every body lives for the same time, so the oldest is the first to
//! expire, and the oldest go first when a new body needs room.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use itsa_store::{Millis, Uuid};

use crate::auth::Principal;

/// How long a cached response body may be served.
pub const BODY_LIFETIME: Duration = Duration::from_secs(1);
/// Tokens kept at most.
pub const TOKEN_CAPACITY: usize = 50_000;
/// What an entry costs beside its body: its key, its taxpayer and its place in the queue.
const ENTRY_OVERHEAD: usize = 128;

pub struct Caches {
    tokens: Mutex<HashMap<String, (Arc<Principal>, Millis)>>,
    bodies: Mutex<Bodies>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches::new(64 << 20)
    }
}

type BodyKey = (Uuid, &'static str);

/// Response bodies within a byte budget, oldest first in `order`.
struct Bodies {
    entries: HashMap<BodyKey, CachedBody>,
    /// Every insertion, oldest first, with its number; an entry replaced since has a newer
    /// number, so its old place is skipped.
    order: VecDeque<(BodyKey, u64)>,
    next: u64,
    bytes: usize,
    budget: usize,
}

struct CachedBody {
    nino: String,
    tax_year: i32,
    body: Bytes,
    stored: Instant,
    number: u64,
}

impl CachedBody {
    fn cost(&self) -> usize {
        self.body.len() + ENTRY_OVERHEAD
    }
}

impl Bodies {
    /// Drop the oldest entry (or a stale place in the queue); false if there is none.
    fn drop_oldest(&mut self) -> bool {
        let Some((key, number)) = self.order.pop_front() else { return false };
        if self.entries.get(&key).is_some_and(|e| e.number == number) {
            let entry = self.entries.remove(&key).expect("just seen");
            self.bytes -= entry.cost();
        }
        true
    }

    /// Drop every expired entry: they are at the front.
    fn drop_expired(&mut self) {
        while let Some((key, number)) = self.order.front() {
            let live = self.entries.get(key).filter(|e| e.number == *number);
            if live.is_some_and(|e| e.stored.elapsed() < BODY_LIFETIME) {
                break;
            }
            self.drop_oldest();
        }
    }

    fn insert(&mut self, key: BodyKey, nino: &str, tax_year: i32, body: Bytes) {
        self.drop_expired();
        let number = self.next;
        self.next += 1;
        let entry = CachedBody { nino: nino.to_owned(), tax_year, body, stored: Instant::now(), number };
        let cost = entry.cost();
        if cost > self.budget {
            return;
        }
        if let Some(old) = self.entries.remove(&key) {
            self.bytes -= old.cost();
        }
        while self.bytes + cost > self.budget && self.drop_oldest() {}
        self.bytes += cost;
        self.entries.insert(key, entry);
        self.order.push_back((key, number));
    }
}

impl Caches {
    /// Caches keeping at most `body_budget` bytes of response bodies.
    pub fn new(body_budget: usize) -> Self {
        Caches {
            tokens: Mutex::new(HashMap::new()),
            bodies: Mutex::new(Bodies {
                entries: HashMap::new(),
                order: VecDeque::new(),
                next: 0,
                bytes: 0,
                budget: body_budget,
            }),
        }
    }

    /// The principal of a token, if cached and unexpired at `now`. The cache holds tokens
    /// as presented, in this process's memory only (the store holds their hashes), so
    /// that a token seen lately is known without hashing it again.
    pub fn token(&self, token: &str, now: Millis) -> Option<Arc<Principal>> {
        let tokens = self.tokens.lock().ok()?;
        let (principal, expires_at) = tokens.get(token)?;
        (*expires_at > now).then(|| principal.clone())
    }

    pub fn remember_token(&self, token: String, principal: Arc<Principal>, expires_at: Millis, now: Millis) {
        if let Ok(mut tokens) = self.tokens.lock() {
            if tokens.len() >= TOKEN_CAPACITY {
                tokens.retain(|_, (_, expires)| *expires > now);
            }
            if tokens.len() >= TOKEN_CAPACITY {
                // Every one unexpired: start again rather than grow.
                tokens.clear();
            }
            tokens.insert(token, (principal, expires_at));
        }
    }

    /// The cached body of a calculation's view (`view` names the API shape), if it belongs
    /// to this taxpayer and year and is fresh.
    pub fn body(&self, id: Uuid, view: &'static str, nino: &str, tax_year: i32) -> Option<Bytes> {
        let bodies = self.bodies.lock().ok()?;
        let cached = bodies.entries.get(&(id, view))?;
        (cached.nino == nino && cached.tax_year == tax_year && cached.stored.elapsed() < BODY_LIFETIME)
            .then(|| cached.body.clone())
    }

    pub fn remember_body(&self, id: Uuid, view: &'static str, nino: &str, tax_year: i32, body: Bytes) {
        if let Ok(mut bodies) = self.bodies.lock() {
            bodies.insert((id, view), nino, tax_year, body);
        }
    }

    /// Drop every cached body of a taxpayer's (after a declaration or a wipe).
    pub fn forget_taxpayer(&self, nino: &str) {
        if let Ok(mut bodies) = self.bodies.lock() {
            let mut freed = 0;
            bodies.entries.retain(|_, cached| {
                let keep = cached.nino != nino;
                if !keep {
                    freed += cached.cost();
                }
                keep
            });
            bodies.bytes -= freed;
        }
    }

    /// Bytes of bodies held now, and how many bodies.
    #[cfg(test)]
    pub fn body_usage(&self) -> (usize, usize) {
        self.bodies.lock().map(|b| (b.bytes, b.entries.len())).unwrap_or_default()
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
        assert_eq!(caches.body_usage(), (0, 0));
    }

    #[test]
    fn bodies_stay_within_the_budget_oldest_going_first() {
        let body = Bytes::from(vec![b'x'; 1_000]);
        let cost = 1_000 + ENTRY_OVERHEAD;
        let caches = Caches::new(10 * cost);
        let ids: Vec<Uuid> = (0..25).map(|_| Uuid::new_v4()).collect();
        for id in &ids {
            caches.remember_body(*id, "v8", "AA123456A", 2025, body.clone());
            let (bytes, count) = caches.body_usage();
            assert!(bytes <= 10 * cost, "{bytes} bytes held");
            assert!(count <= 10);
        }
        assert_eq!(caches.body_usage(), (10 * cost, 10));
        assert!(caches.body(ids[14], "v8", "AA123456A", 2025).is_none(), "an older one made room");
        assert!(caches.body(ids[15], "v8", "AA123456A", 2025).is_some(), "the newest ten are kept");
        // Storing one body again replaces it and counts it once.
        caches.remember_body(ids[24], "v8", "AA123456A", 2025, body.clone());
        assert_eq!(caches.body_usage(), (10 * cost, 10));
        // A body larger than the whole budget is not cached.
        caches.remember_body(Uuid::new_v4(), "v8", "AA123456A", 2025, Bytes::from(vec![b'x'; 20 * cost]));
        assert_eq!(caches.body_usage(), (10 * cost, 10));
    }

    #[test]
    fn expired_bodies_are_dropped_when_the_next_is_stored() {
        let caches = Caches::new(1 << 20);
        for _ in 0..100 {
            caches.remember_body(Uuid::new_v4(), "v8", "AA123456A", 2025, Bytes::from_static(b"{}"));
        }
        assert_eq!(caches.body_usage().1, 100);
        std::thread::sleep(BODY_LIFETIME);
        let id = Uuid::new_v4();
        caches.remember_body(id, "v8", "AA123456A", 2025, Bytes::from_static(b"{}"));
        assert_eq!(caches.body_usage(), (2 + ENTRY_OVERHEAD, 1), "only the fresh one is held");
    }

    #[test]
    fn tokens_are_served_until_they_expire() {
        let caches = Caches::default();
        let p = Arc::new(Principal::Individual { nino: "AA123456A".into(), scopes: vec![] });
        caches.remember_token("h".into(), p.clone(), 100, 0);
        assert_eq!(caches.token("h", 99), Some(p));
        assert_eq!(caches.token("h", 100), None);
    }

    #[test]
    fn tokens_are_bounded_expired_ones_going_first() {
        let caches = Caches::default();
        let p = Arc::new(Principal::Individual { nino: "AA123456A".into(), scopes: vec![] });
        for n in 0..TOKEN_CAPACITY {
            caches.remember_token(format!("old-{n}"), p.clone(), 10, 0);
        }
        caches.remember_token("live".into(), p.clone(), 1_000, 20);
        assert_eq!(caches.tokens.lock().unwrap().len(), 1, "the expired ones made room");
        assert_eq!(caches.token("live", 20), Some(p));
    }
}
