//! Production tokens: `POST /oauth/token` with the OAuth 2.0 client-credentials grant
//! (RFC 6749 section 4.4). An application is registered with `itsa admin add-application`,
//! which records the taxpayer or agent it acts as and its scopes; the token issued here
//! carries that grant.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use itsa_store::{Store, TokenRecord};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::auth;
use crate::clock::real_millis;

#[derive(Deserialize)]
pub struct TokenForm {
    grant_type: String,
    client_id: String,
    client_secret: String,
    scope: Option<String>,
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (status, Json(json!({"error": error, "error_description": description}))).into_response()
}

pub async fn token(State(state): State<AppState>, Form(form): Form<TokenForm>) -> Response {
    if form.grant_type != "client_credentials" {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "only client_credentials is supported");
    }
    let application = match state.store.find_application(&form.client_id).await {
        Ok(Some(a)) if a.secret_hash == auth::hash_secret(&form.client_secret) => a,
        Ok(_) => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client or wrong secret"),
        Err(e) => {
            tracing::error!(error = %e, "cannot read applications");
            return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "try again later");
        }
    };
    // A narrower scope may be asked for; never a wider one.
    let scopes: Vec<String> = match &form.scope {
        Some(asked) => {
            let asked: Vec<String> = asked.split_whitespace().map(str::to_owned).collect();
            if asked.iter().any(|s| !application.scopes.contains(s)) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    "the application was not granted that scope",
                );
            }
            asked
        }
        None => application.scopes.clone(),
    };
    let token = auth::new_token();
    let now = real_millis();
    let lifetime = state.config.token_lifetime_seconds;
    let record = TokenRecord {
        token_hash: auth::hash_secret(&token),
        role: application.role.clone(),
        nino: application.nino.clone(),
        clients: application.clients.clone(),
        scopes: scopes.clone(),
        created_at: now,
        expires_at: now + lifetime * 1000,
    };
    if let Err(e) = state.store.insert_token(&record).await {
        tracing::error!(error = %e, "cannot store a token");
        return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "try again later");
    }
    Json(json!({"access_token": token, "token_type": "bearer", "expires_in": lifetime, "scope": scopes.join(" ")}))
        .into_response()
}
