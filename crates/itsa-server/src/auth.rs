//! Bearer tokens and who may do what.
//!
//! Tokens are random 256-bit strings; the store keeps only their SHA-256 hash and expiry.
//! A token belongs to one taxpayer (an individual) or to an agent acting for clients. A
//! supporting agent is refused on every calculation and coding-out endpoint. `GET` needs
//! `read:self-assessment`; `POST`, `PUT` and `DELETE` need `write:self-assessment`.

use axum::http::Method;
use itsa_store::{Millis, TokenRecord};
use sha2::{Digest, Sha256};

pub const READ_SCOPE: &str = "read:self-assessment";
pub const WRITE_SCOPE: &str = "write:self-assessment";

/// Who a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Individual { nino: String, scopes: Vec<String> },
    Agent { clients: Vec<String>, scopes: Vec<String> },
    SupportingAgent { clients: Vec<String>, scopes: Vec<String> },
}

/// Why a subject may not be acted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 401 MISSING_CREDENTIALS
    MissingCredentials,
    /// 401 INVALID_CREDENTIALS
    InvalidCredentials,
    /// 403 INVALID_SCOPE
    InvalidScope,
    /// 403 CLIENT_OR_AGENT_NOT_AUTHORISED
    NotAuthorised,
}

impl Principal {
    pub fn from_record(record: &TokenRecord) -> Option<Principal> {
        let scopes = record.scopes.clone();
        match record.role.as_str() {
            "individual" => Some(Principal::Individual { nino: record.nino.clone()?, scopes }),
            "agent" => Some(Principal::Agent { clients: record.clients.clone(), scopes }),
            "supporting-agent" => Some(Principal::SupportingAgent { clients: record.clients.clone(), scopes }),
            _ => None,
        }
    }

    pub fn scopes(&self) -> &[String] {
        match self {
            Principal::Individual { scopes, .. }
            | Principal::Agent { scopes, .. }
            | Principal::SupportingAgent { scopes, .. } => scopes,
        }
    }

    /// `requestedBy` in HMRC's metadata.
    pub fn requested_by(&self) -> &'static str {
        match self {
            Principal::Individual { .. } => "customer",
            Principal::Agent { .. } | Principal::SupportingAgent { .. } => "agent",
        }
    }

    /// The scope check the API gateway makes before the request reaches the API.
    pub fn check_scope(&self, method: &Method) -> Result<(), Refusal> {
        let needed = if method == Method::GET || method == Method::HEAD { READ_SCOPE } else { WRITE_SCOPE };
        if self.scopes().iter().any(|s| s == needed) { Ok(()) } else { Err(Refusal::InvalidScope) }
    }

    /// Whether this principal may act for the taxpayer `nino`.
    pub fn check_subject(&self, nino: &str) -> Result<(), Refusal> {
        let allowed = match self {
            Principal::Individual { nino: own, .. } => own == nino,
            Principal::Agent { clients, .. } => clients.iter().any(|c| c == nino),
            Principal::SupportingAgent { .. } => false,
        };
        if allowed { Ok(()) } else { Err(Refusal::NotAuthorised) }
    }
}

/// A new random token (64 hex characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex(&bytes)
}

/// Lower-case hex SHA-256: how tokens and client secrets are stored.
pub fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Lower-case hex, two digits a byte.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// The bearer token in an `Authorization` header value, if it is one.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}

/// Look a token up: `InvalidCredentials` if unknown, expired or malformed.
pub fn principal_for(record: Option<TokenRecord>, now: Millis) -> Result<Principal, Refusal> {
    let record = record.ok_or(Refusal::InvalidCredentials)?;
    if record.expires_at <= now {
        return Err(Refusal::InvalidCredentials);
    }
    Principal::from_record(&record).ok_or(Refusal::InvalidCredentials)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn individual(scopes: &[&str]) -> Principal {
        Principal::Individual { nino: "AA123456A".into(), scopes: scopes.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn scopes_follow_the_method() {
        let read_only = individual(&[READ_SCOPE]);
        assert_eq!(read_only.check_scope(&Method::GET), Ok(()));
        assert_eq!(read_only.check_scope(&Method::POST), Err(Refusal::InvalidScope));
        assert_eq!(individual(&[WRITE_SCOPE]).check_scope(&Method::DELETE), Ok(()));
    }

    #[test]
    fn nobody_reads_another_taxpayer() {
        let me = individual(&[READ_SCOPE]);
        assert_eq!(me.check_subject("AA123456A"), Ok(()));
        assert_eq!(me.check_subject("AA654321B"), Err(Refusal::NotAuthorised));
        let agent = Principal::Agent { clients: vec!["AA123456A".into()], scopes: vec![] };
        assert_eq!(agent.check_subject("AA123456A"), Ok(()));
        assert_eq!(agent.check_subject("AA654321B"), Err(Refusal::NotAuthorised));
        let supporting = Principal::SupportingAgent { clients: vec!["AA123456A".into()], scopes: vec![] };
        assert_eq!(supporting.check_subject("AA123456A"), Err(Refusal::NotAuthorised));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_secret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        let expired = TokenRecord {
            token_hash: "h".into(),
            role: "individual".into(),
            nino: Some("AA123456A".into()),
            clients: vec![],
            scopes: vec![],
            created_at: 0,
            expires_at: 10,
        };
        assert_eq!(principal_for(Some(expired), 10), Err(Refusal::InvalidCredentials));
    }

    #[test]
    fn hex_is_two_lower_case_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hash_secret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
