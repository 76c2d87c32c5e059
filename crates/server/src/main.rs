//! `faltlogg-server`: the coordination server's command line.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use faltlogg_server::db::Database;
use faltlogg_server::{bootstrap, AppState, Config};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    version,
    about = "Fältlogg coordination server: relays end-to-end encrypted envelopes"
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on.
    #[arg(long, env = "FALTLOGG_BIND", default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, env = "FALTLOGG_PORT", default_value_t = 8080)]
    port: u16,
    /// Directory for the database; created if missing.
    #[arg(long, env = "FALTLOGG_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// The database, when not SQLite's file in the data directory: `postgres://user@host/db`
    /// for PostgreSQL (several servers may share one), or `sqlite:PATH`. A password in it is
    /// better kept in PGPASSWORD or ~/.pgpass than on the command line.
    #[arg(long, env = "FALTLOGG_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// The most PostgreSQL connections this server holds open at once.
    #[arg(
        long,
        env = "FALTLOGG_DATABASE_CONNECTIONS",
        default_value_t = 16,
        global = true
    )]
    database_connections: u32,
    /// The built PWA (trunk's output).
    #[arg(long, env = "FALTLOGG_DIST_DIR", default_value = "dist")]
    dist_dir: PathBuf,
    /// A file holding the password for the admin account made on first start (default: a
    /// random one, printed once). Never the password itself on the command line, where `ps`
    /// shows it to every user of the machine; `FALTLOGG_ADMIN_PASSWORD` in the environment
    /// also works.
    #[arg(long, env = "FALTLOGG_ADMIN_PASSWORD_FILE")]
    admin_password_file: Option<PathBuf>,
    /// How long a sign-in lasts, in days.
    #[arg(long, env = "FALTLOGG_SESSION_DAYS", default_value_t = 30)]
    session_days: u32,
    /// Behind a reverse proxy: the header that names the client's address (for example
    /// X-Forwarded-For), for the per-address sign-in limit. Only with a proxy that sets it.
    #[arg(long, env = "FALTLOGG_CLIENT_IP_HEADER")]
    client_ip_header: Option<axum::http::HeaderName>,
    /// Sign-in attempts on one account per 15 minutes, from anywhere.
    #[arg(long, env = "FALTLOGG_SIGNIN_PER_ACCOUNT", default_value_t = 10)]
    sign_in_attempts_per_account: u32,
    /// Sign-in attempts from one address per 15 minutes, on any account.
    #[arg(long, env = "FALTLOGG_SIGNIN_PER_ADDRESS", default_value_t = 50)]
    sign_in_attempts_per_address: u32,
    /// The push services the server may post Web Push to, comma-separated origins (`*.`
    /// before a host for its subdomains). Empty: no Web Push.
    #[arg(long, env = "FALTLOGG_PUSH_SERVICES", default_value = faltlogg_server::push::PushConfig::DEFAULT_SERVICES, value_delimiter = ',')]
    push_services: Vec<String>,
    /// The operator's address for push services to write to (`mailto:…` or `https://…`).
    #[arg(long, env = "FALTLOGG_PUSH_CONTACT")]
    push_contact: Option<String>,
    /// How often, in seconds, the server looks for check-ins gone overdue to push.
    #[arg(long, env = "FALTLOGG_PUSH_EVERY_SECONDS", default_value_t = 10)]
    push_every_seconds: u64,
}

#[derive(clap::Subcommand)]
enum Command {
    /// The operator's commands, on this machine's database: teams, accounts, devices.
    #[command(subcommand)]
    Admin(faltlogg_server::admin::AdminCommand),
}

/// The first admin password: from the file named, else the environment, else none (a random
/// one is made). A file's last line break is not part of the password.
fn admin_password(file: Option<&std::path::Path>) -> Result<Option<String>, String> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "cannot read the admin password file {}: {e}",
                path.display()
            )
        })?;
        let password = text.strip_suffix('\n').unwrap_or(&text);
        let password = password.strip_suffix('\r').unwrap_or(password);
        if password.is_empty() {
            return Err(format!(
                "the admin password file {} is empty",
                path.display()
            ));
        }
        return Ok(Some(password.to_string()));
    }
    Ok(std::env::var("FALTLOGG_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty()))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            // sqlx tells of every PostgreSQL notice ("already exists, skipping") at info.
            EnvFilter::try_from_env("FALTLOGG_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        // Colours for a terminal only (and never with NO_COLOR): a log file or the journal
        // gets plain text.
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_writer(std::io::stderr)
        .init();
    match run(Args::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("faltlogg-server: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let database = Database::from_url(args.database_url.as_deref(), &args.data_dir)?;
    if let Database::Sqlite(file) = &database {
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create data directory {}: {e}", dir.display()))?;
        }
    }
    let open = || async {
        database
            .open(args.database_connections)
            .await
            .map_err(|e| format!("cannot open the database {database}: {e}"))
    };
    if let Some(Command::Admin(command)) = args.command {
        let store = open().await?;
        let result = faltlogg_server::admin::run(
            store.as_ref(),
            command,
            &mut std::io::stdin().lock(),
            &mut std::io::stdout(),
        )
        .await;
        store.close().await;
        return result;
    }
    if !args.dist_dir.join("index.html").is_file() {
        tracing::warn!(dist = %args.dist_dir.display(), "no built PWA here: only the API will answer");
    }
    let store = open().await?;

    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.bind, args.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", args.bind, args.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let url = format!("http://{addr}/");

    let given = admin_password(args.admin_password_file.as_deref())?;
    let generated = given.is_none();
    if let Some((user, password)) = bootstrap::ensure_admin(store.as_ref(), given)
        .await
        .map_err(|e| format!("cannot create the admin account: {e}"))?
    {
        println!(
            "First start: team \"{}\" and its coordinator account were created.",
            user.team_name
        );
        if generated {
            // Printed once, to the operator's terminal, never to the log.
            println!(
                "  Sign in at {url} as \"{}\" with password: {password}",
                user.username
            );
            println!("  Keep it safe: it is not shown again.");
        } else {
            // The operator chose it: never echoed.
            println!(
                "  Sign in at {url} as \"{}\" with the password you gave.",
                user.username
            );
        }
    }
    println!("Fältlogg is running at {url}  (Ctrl-C stops it)");
    tracing::info!(%addr, "listening");

    let state = AppState::new(
        store.clone(),
        Config {
            session_ttl_ms: i64::from(args.session_days) * 24 * 60 * 60 * 1000,
            client_ip_header: args.client_ip_header,
            sign_in_limits: faltlogg_server::config::SignInLimits {
                per_account: args.sign_in_attempts_per_account,
                per_address: args.sign_in_attempts_per_address,
                ..Default::default()
            },
            push: faltlogg_server::push::PushConfig {
                services: args
                    .push_services
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect(),
                every: std::time::Duration::from_secs(args.push_every_seconds.max(1)),
                contact: args.push_contact,
            },
            ..Config::new(args.dist_dir)
        },
    );
    faltlogg_server::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
