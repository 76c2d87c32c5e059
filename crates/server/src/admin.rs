//! `faltlogg-server admin …`: the operator's commands, run on the server's machine against its
//! database (the server may be running: SQLite in WAL mode takes both). There is no admin API
//! over the network: whoever can run these can read the database file anyway, and nobody
//! else can reach them.
//!
//! No password is ever taken from the command line, where `ps` and the shell's history show
//! it: one is made and printed once, or read from a file or from standard input. A password
//! is never logged.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use faltlogg_core::api::{AuditKind, Role, UserInfo};

use crate::audit::{self, Event};
use crate::db::{Store, StoreError};
use crate::{now_ms, passwords};

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Teams: add one with its first coordinator, or list them.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Accounts: add, disable, enable, reset a password, list.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Every enrolled device, team by team: status, owner and fingerprint.
    Devices,
    /// Writes a consistent backup of the whole database to FILE, while the servers serve.
    /// It holds what the database holds: keep it as safe.
    Backup { file: PathBuf },
    /// Restores a backup onto this database, which must be empty (of either backend: a
    /// SQLite backup restores onto PostgreSQL, and the other way round).
    Restore { file: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum TeamCommand {
    /// Adds a team and its first coordinator account.
    Add {
        /// The team's name, unique on this server.
        name: String,
        /// The username of the team's first coordinator.
        #[arg(long)]
        coordinator: String,
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Lists the teams.
    List,
}

#[derive(Subcommand, Debug)]
pub enum AccountCommand {
    /// Adds an account to a team.
    Add {
        username: String,
        /// The team's name.
        #[arg(long)]
        team: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Disables an account: it cannot sign in, and every session of it ends at once.
    Disable { username: String },
    /// Enables a disabled account again.
    Enable { username: String },
    /// Sets a new password and ends every session of the account.
    ResetPassword {
        username: String,
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Lists every account, team by team.
    List,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    Worker,
    Coordinator,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Worker => Role::Worker,
            RoleArg::Coordinator => Role::Coordinator,
        }
    }
}

/// Where a new password comes from. Neither: a random one, printed once.
#[derive(Args, Debug)]
pub struct PasswordSource {
    /// Read the password from this file (its last line break is not part of it).
    #[arg(long, conflicts_with = "password_stdin")]
    password_file: Option<PathBuf>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
}

/// A password the operator chooses must be at least this long; a made one is 22 characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
const MAX_NAME_CHARS: usize = 64;

/// A new password and whether it was made here (and must be shown).
fn new_password(
    source: &PasswordSource,
    stdin: &mut dyn BufRead,
) -> Result<(String, bool), String> {
    let given = if let Some(path) = &source.password_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the password file {}: {e}", path.display()))?;
        first_line(&text)
    } else if source.password_stdin {
        let mut line = String::new();
        stdin
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        first_line(&line)
    } else {
        return Ok((passwords::random_password(), true));
    };
    if given.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    Ok((given, false))
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    line.to_string()
}

/// A username or team name: trimmed, not empty, at most 64 characters, no control characters.
fn name(what: &str, text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "the {what} must have 1 to {MAX_NAME_CHARS} characters"
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(format!("the {what} must not contain control characters"));
    }
    Ok(text.to_string())
}

async fn hash(password: String) -> String {
    tokio::task::spawn_blocking(move || passwords::hash(&password))
        .await
        .expect("hashing does not panic")
}

/// Runs one command, writing what the operator should see to `out`.
pub async fn run(
    store: &dyn Store,
    command: AdminCommand,
    stdin: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<(), String> {
    let failed = |e: StoreError, what: &str| match e {
        StoreError::Exists => format!("{what} is taken"),
        StoreError::NotFound => format!("{what}: there is no such one"),
        e => format!("database: {e}"),
    };
    let w = |e: std::io::Error| e.to_string();
    match command {
        AdminCommand::Team(TeamCommand::Add {
            name: team,
            coordinator,
            password,
        }) => {
            let team = name("team name", &team)?;
            let coordinator = name("username", &coordinator)?;
            let (password, made) = new_password(&password, stdin)?;
            let user = store
                .create_team_with_coordinator(
                    &team,
                    &coordinator,
                    &hash(password.clone()).await,
                    now_ms(),
                )
                .await
                .map_err(|e| failed(e, "the team name or the username"))?;
            tracing::info!("team added");
            account_event(store, &user, AuditKind::AccountAdded).await;
            writeln!(
                out,
                "Team \"{team}\" added, with its coordinator \"{coordinator}\"."
            )
            .map_err(w)?;
            show_once(out, made, &password)
        }
        AdminCommand::Team(TeamCommand::List) => {
            for team in store.teams().await.map_err(|e| failed(e, "teams"))? {
                writeln!(
                    out,
                    "{}\tkey epoch {}\t{}",
                    team.name, team.key_epoch, team.id
                )
                .map_err(w)?;
            }
            Ok(())
        }
        AdminCommand::Account(AccountCommand::Add {
            username,
            team,
            role,
            password,
        }) => {
            let username = name("username", &username)?;
            let (password, made) = new_password(&password, stdin)?;
            let user = store
                .create_user(
                    &team,
                    &username,
                    &hash(password.clone()).await,
                    role.into(),
                    now_ms(),
                )
                .await
                .map_err(|e| {
                    failed(
                        e,
                        &format!("the username \"{username}\" or the team \"{team}\""),
                    )
                })?;
            tracing::info!(user = %user.id, "account added");
            account_event(store, &user, AuditKind::AccountAdded).await;
            writeln!(out, "Account \"{username}\" added to team \"{team}\".").map_err(w)?;
            show_once(out, made, &password)
        }
        AdminCommand::Account(AccountCommand::Disable { username }) => {
            store
                .set_disabled(&username, true, now_ms())
                .await
                .map_err(|e| failed(e, &format!("the account \"{username}\"")))?;
            tracing::info!("account disabled");
            named_event(store, &username, AuditKind::AccountDisabled).await;
            writeln!(
                out,
                "Account \"{username}\" disabled; its sessions have ended."
            )
            .map_err(w)
        }
        AdminCommand::Account(AccountCommand::Enable { username }) => {
            store
                .set_disabled(&username, false, now_ms())
                .await
                .map_err(|e| failed(e, &format!("the account \"{username}\"")))?;
            tracing::info!("account enabled");
            named_event(store, &username, AuditKind::AccountEnabled).await;
            writeln!(out, "Account \"{username}\" enabled.").map_err(w)
        }
        AdminCommand::Account(AccountCommand::ResetPassword { username, password }) => {
            let (password, made) = new_password(&password, stdin)?;
            store
                .set_password_hash(&username, &hash(password.clone()).await)
                .await
                .map_err(|e| failed(e, &format!("the account \"{username}\"")))?;
            tracing::info!("password reset");
            named_event(store, &username, AuditKind::PasswordReset).await;
            writeln!(
                out,
                "New password set for \"{username}\"; its sessions have ended."
            )
            .map_err(w)?;
            show_once(out, made, &password)
        }
        AdminCommand::Account(AccountCommand::List) => {
            for account in store.accounts().await.map_err(|e| failed(e, "accounts"))? {
                let user = account.user;
                let role = match user.role {
                    Role::Coordinator => "coordinator",
                    Role::Worker => "worker",
                };
                let state = if account.disabled {
                    "disabled"
                } else {
                    "active"
                };
                writeln!(
                    out,
                    "{}\t{}\t{role}\t{state}",
                    user.team_name, user.username
                )
                .map_err(w)?;
            }
            Ok(())
        }
        AdminCommand::Backup { file } => {
            let rows = crate::backup_file::backup(store, &file, now_ms()).await?;
            writeln!(out, "Backed up {rows} rows to {}.", file.display()).map_err(w)
        }
        AdminCommand::Restore { file } => {
            let (rows, _) = crate::backup_file::restore(store, &file).await?;
            writeln!(out, "Restored {rows} rows from {}.", file.display()).map_err(w)
        }
        AdminCommand::Devices => {
            for team in store.teams().await.map_err(|e| failed(e, "teams"))? {
                for device in store
                    .team_devices(team.id)
                    .await
                    .map_err(|e| failed(e, "devices"))?
                {
                    let status = crate::db::status_str(device.status);
                    writeln!(
                        out,
                        "{}\t{}\t{status}\t{}\t{}",
                        team.name,
                        device.username,
                        device.keys.fingerprint(),
                        device.id
                    )
                    .map_err(w)?;
                }
            }
            Ok(())
        }
    }
}

/// An account change, in its team's security events (made by the operator: no device).
async fn account_event(store: &dyn Store, user: &UserInfo, kind: AuditKind) {
    audit::record(store, Event::new(user.team, kind).by(user.id, None)).await;
}

async fn named_event(store: &dyn Store, username: &str, kind: AuditKind) {
    if let Ok(Some(account)) = store.account(username).await {
        account_event(store, &account.user, kind).await;
    }
}

/// A made password goes to the operator's terminal once; one the operator chose is not echoed.
fn show_once(out: &mut dyn Write, made: bool, password: &str) -> Result<(), String> {
    if made {
        writeln!(out, "Password (shown once, never logged): {password}")
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
