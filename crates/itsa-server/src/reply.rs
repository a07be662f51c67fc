//! Responses, split as HMRC's platform splits them: rejections made before a request
//! reaches its endpoint (routing, `Accept`, credentials, scope, the NINO pre-check and the
//! client check) and the endpoint's own answers. Every response carries `X-CorrelationId`
//! and `X-Content-Type-Options: nosniff`, as HMRC's OpenAPI documents for every status,
//! except the early rejections of the versions HMRC documented in RAML (Individual
//! Calculations 1.0 and 3.0), whose platform sent none there.

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use itsa_hmrc::errors::ApiError;
use serde_json::Value;

/// Marks a response as a rejection made before the endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Early;

/// Marks a response that carries no correlation id.
#[derive(Debug, Clone, Copy)]
pub struct NoCorrelationId;

/// An answer.
#[derive(Debug)]
pub enum Reply {
    /// A rejection before the endpoint.
    Early(ApiError),
    /// The endpoint's error answer.
    Error(ApiError),
    /// The endpoint's success answer, with or without a JSON body.
    Ok(StatusCode, Option<Value>),
    /// The endpoint's success answer with a JSON body already written out.
    Raw(StatusCode, Bytes),
}

impl Reply {
    pub fn json(status: StatusCode, body: Value) -> Self {
        Reply::Ok(status, Some(body))
    }

    pub fn empty(status: StatusCode) -> Self {
        Reply::Ok(status, None)
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

pub fn error_response(error: &ApiError) -> Response {
    json_response(StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), &error.to_json())
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Reply::Early(error) => {
                let mut response = error_response(&error);
                response.extensions_mut().insert(Early);
                response
            }
            Reply::Error(error) => error_response(&error),
            Reply::Raw(status, body) => {
                let mut response = (status, body).into_response();
                response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                response
            }
            Reply::Ok(status, body) => match body {
                Some(body) => json_response(status, &body),
                None => status.into_response(),
            },
        }
    }
}

impl From<ApiError> for Reply {
    fn from(error: ApiError) -> Self {
        Reply::Error(error)
    }
}
