//! API versions from the `Accept` header, as HMRC's platform reads it: the whole value must
//! be `application/vnd.hmrc.X.Y+json` with one digit each side of the dot.

use axum::http::HeaderMap;

/// An API version such as `8.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApiVersion {
    pub major: u8,
    pub minor: u8,
}

impl ApiVersion {
    pub const fn new(major: u8, minor: u8) -> Self {
        ApiVersion { major, minor }
    }

    /// Parse `8.0`.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        (b.len() == 3 && b[0].is_ascii_digit() && b[2].is_ascii_digit() && b[1] == b'.')
            .then(|| ApiVersion::new(b[0] - b'0', b[2] - b'0'))
    }
}

impl std::fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The version the first `Accept` header asks for, if its whole value is of HMRC's form.
/// (HMRC's pattern leaves the dot unescaped, so any one character between the digits
/// matches; itsa does the same.)
pub fn from_accept(headers: &HeaderMap) -> Option<ApiVersion> {
    let value = headers.get(axum::http::header::ACCEPT)?.to_str().ok()?;
    let version = value.strip_prefix("application/vnd.hmrc.")?.strip_suffix("+json")?;
    let b = version.as_bytes();
    (b.len() == 3 && b[0].is_ascii_digit() && b[2].is_ascii_digit()).then(|| ApiVersion::new(b[0] - b'0', b[2] - b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn accept(value: &str) -> Option<ApiVersion> {
        let mut h = HeaderMap::new();
        h.insert(axum::http::header::ACCEPT, HeaderValue::from_str(value).unwrap());
        from_accept(&h)
    }

    #[test]
    fn only_the_whole_hmrc_form_is_a_version() {
        assert_eq!(accept("application/vnd.hmrc.8.0+json"), Some(ApiVersion::new(8, 0)));
        assert_eq!(accept("application/vnd.hmrc.4.5+json"), Some(ApiVersion::new(4, 5)));
        for bad in [
            "application/json",
            "application/vnd.hmrc.3.0+xml",
            "application/vnd.hmrc.10.0+json",
            "application/vnd.hmrc.8.0+json; charset=utf-8",
            "application/vnd.hmrc.8+json",
        ] {
            assert_eq!(accept(bad), None, "{bad}");
        }
        assert_eq!(from_accept(&HeaderMap::new()), None);
    }
}
