//! `itsa admin`: register an application for production use. The application's client id
//! and secret are printed once; only the secret's hash is stored.

use clap::Subcommand;
use itsa_server::auth;
use itsa_store::{ApplicationRecord, Store};

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Register an application acting for one taxpayer, or for an agent's clients.
    AddApplication {
        /// A name to know it by.
        #[arg(long)]
        name: String,
        /// individual, agent or supporting-agent.
        #[arg(long, default_value = "individual")]
        role: String,
        /// The taxpayer an individual's application acts as.
        #[arg(long)]
        nino: Option<String>,
        /// An agent's clients (repeat the flag for several).
        #[arg(long = "client")]
        clients: Vec<String>,
        /// Scopes to grant (default: read and write).
        #[arg(long = "scope")]
        scopes: Vec<String>,
    },
}

pub async fn run(config: &itsa_server::config::Config, command: AdminCommand) -> anyhow::Result<()> {
    let store = itsa_server::open_store(config).await?;
    match command {
        AdminCommand::AddApplication { name, role, nino, clients, scopes } => {
            anyhow::ensure!(
                ["individual", "agent", "supporting-agent"].contains(&role.as_str()),
                "role must be individual, agent or supporting-agent"
            );
            anyhow::ensure!(
                (role == "individual") == nino.is_some(),
                "an individual's application needs --nino; an agent's takes --client instead"
            );
            // The same check as HMRC's FORMAT_NINO, so that no grant names a taxpayer no
            // request could name.
            for given in nino.iter().chain(&clients) {
                anyhow::ensure!(
                    itsa_hmrc::Nino::parse(given).is_some(),
                    "'{given}' is not a National Insurance number (two letters, six digits and A, B, C or D)"
                );
            }
            anyhow::ensure!(role == "individual" || !clients.is_empty(), "an agent's application needs a --client");
            let scopes = if scopes.is_empty() {
                vec![auth::READ_SCOPE.to_owned(), auth::WRITE_SCOPE.to_owned()]
            } else {
                scopes
            };
            anyhow::ensure!(
                scopes.iter().all(|s| s == auth::READ_SCOPE || s == auth::WRITE_SCOPE),
                "scopes are read:self-assessment and write:self-assessment"
            );
            let client_id = auth::new_token()[..24].to_owned();
            let secret = auth::new_token();
            store
                .insert_application(&ApplicationRecord {
                    client_id: client_id.clone(),
                    secret_hash: auth::hash_secret(&secret),
                    name,
                    role,
                    nino,
                    clients,
                    scopes,
                    created_at: itsa_server::clock::real_millis(),
                })
                .await?;
            println!("client_id:     {client_id}\nclient_secret: {secret}\n(the secret is not stored; keep it now)");
        }
    }
    Ok(())
}
