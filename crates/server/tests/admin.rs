//! `faltlogg-server admin …`, the real binary on a real database, and what the server then
//! lets each account do.

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use faltlogg_core::api::*;
use reqwest::StatusCode;
use support::*;

/// Runs `faltlogg-server --data-dir <dir> admin <args>`, with `stdin` on standard input, on
/// the database of `dir` (`support::database_for`).
fn admin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_faltlogg-server"));
    if let Some(url) = database_url_of(dir) {
        command.env("FALTLOGG_DATABASE_URL", url);
    }
    let mut child = command
        .arg("--data-dir")
        .arg(dir)
        .arg("admin")
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("FALTLOGG_ADMIN_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn said(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

/// Runs a command that must succeed, and gives what it printed.
fn admin_ok(dir: &Path, args: &[&str], stdin: &str) -> String {
    let output = admin(dir, args, stdin);
    assert!(output.status.success(), "{args:?}: {}", said(&output));
    said(&output)
}

/// The password a command made and showed once.
fn shown_password(printed: &str) -> String {
    printed
        .lines()
        .find_map(|l| l.strip_prefix("Password (shown once, never logged): "))
        .expect("a made password is shown")
        .to_string()
}

const SARA: &str = "sara's long passphrase";

#[tokio::test]
async fn the_operator_manages_teams_and_accounts_without_a_password_in_argv() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    database_for(data).await;

    // A team and its coordinator, the password from standard input: not echoed.
    let printed = admin_ok(
        data,
        &[
            "team",
            "add",
            "Norrmalm",
            "--coordinator",
            "sara",
            "--password-stdin",
        ],
        &format!("{SARA}\n"),
    );
    assert!(
        !printed.contains(SARA),
        "the password was echoed: {printed}"
    );
    // A worker with a made password, shown once.
    let printed = admin_ok(
        data,
        &[
            "account", "add", "ali", "--team", "Norrmalm", "--role", "worker",
        ],
        "",
    );
    let ali = shown_password(&printed);
    assert_eq!(ali.len(), 22);

    // Bad input: a clear message, a failing exit, nothing written.
    for (args, stdin, expected) in [
        (
            vec![
                "account", "add", "ali", "--team", "Norrmalm", "--role", "worker",
            ],
            "",
            "is taken",
        ),
        (
            vec![
                "account", "add", "bo", "--team", "Nowhere", "--role", "worker",
            ],
            "",
            "no such one",
        ),
        (
            vec!["team", "add", "Norrmalm", "--coordinator", "nils"],
            "",
            "is taken",
        ),
        (
            vec![
                "account",
                "add",
                "bo",
                "--team",
                "Norrmalm",
                "--role",
                "worker",
                "--password-stdin",
            ],
            "short\n",
            "at least 10 characters",
        ),
        (
            vec![
                "account", "add", "  ", "--team", "Norrmalm", "--role", "worker",
            ],
            "",
            "1 to 64 characters",
        ),
        (vec!["account", "disable", "nobody"], "", "no such one"),
    ] {
        let output = admin(data, &args, stdin);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert!(
            said(&output).contains(expected),
            "{args:?}: {}",
            said(&output)
        );
    }
    // A password on the command line is not an option at all, and is not echoed back.
    let output = admin(
        data,
        &[
            "account",
            "add",
            "bo",
            "--team",
            "Norrmalm",
            "--role",
            "worker",
            "--password",
            "hunter2-hunter2",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        !said(&output).contains("hunter2-hunter2"),
        "{}",
        said(&output)
    );

    let listed = admin_ok(data, &["account", "list"], "");
    assert_eq!(
        listed,
        "Norrmalm\tali\tworker\tactive\nNorrmalm\tsara\tcoordinator\tactive\n"
    );
    assert!(admin_ok(data, &["team", "list"], "").starts_with("Norrmalm\tkey epoch 0\t"));

    // The server on that database (the commands go on acting on it while it runs): each
    // account signs in with its own role and team. It is not empty, so no first-start
    // account is made.
    let server = TestServer::start_on(data, |_| {}).await;
    assert_eq!(admin_ok(data, &["account", "list"], "").lines().count(), 2);
    let signed_in = |username: &'static str, password: String| {
        let server = &server;
        async move {
            let response = server.sign_in_as(username, &password).await;
            assert_eq!(response.status(), StatusCode::OK, "{username}");
            response.json::<SignInResponse>().await.unwrap()
        }
    };
    let sara = signed_in("sara", SARA.into()).await;
    assert_eq!(
        (sara.user.role, sara.user.team_name.as_str()),
        (Role::Coordinator, "Norrmalm")
    );
    let ali_session = signed_in("ali", ali.clone()).await;
    assert_eq!(
        (ali_session.user.role, ali_session.user.team),
        (Role::Worker, sara.user.team)
    );

    // Disabled: the session in hand ends at once, and signing in fails like a wrong password.
    admin_ok(data, &["account", "disable", "ali"], "");
    let me = server
        .http
        .get(format!("{}/api/devices/me", server.url))
        .bearer_auth(&ali_session.token)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(me).await.1.error, ErrorCode::SessionExpired);
    let (status, error) = error_of(server.sign_in_as("ali", &ali).await).await;
    assert_eq!(
        (status, error.error),
        (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials)
    );
    assert!(admin_ok(data, &["account", "list"], "").contains("ali\tworker\tdisabled"));

    // Enabled again, then a reset: the old password stops working, the new one works.
    admin_ok(data, &["account", "enable", "ali"], "");
    let before_reset = signed_in("ali", ali.clone()).await;
    let new = shown_password(&admin_ok(data, &["account", "reset-password", "ali"], ""));
    assert_ne!(new, ali);
    let (status, _) = error_of(server.sign_in_as("ali", &ali).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let me = server
        .http
        .get(format!("{}/api/devices/me", server.url))
        .bearer_auth(&before_reset.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(me).await.1.error,
        ErrorCode::SessionExpired,
        "a reset ends the sessions"
    );
    signed_in("ali", new).await;

    // Every change the operator made is in the team's security events, by account.
    let store = database_for(data).await.open(1).await.unwrap();
    let events = store.team_events(sara.user.team, None, 100).await.unwrap();
    let by_operator: Vec<(AuditKind, Option<&str>)> = events
        .iter()
        .rev()
        .filter(|e| {
            e.device.is_none() && e.kind != AuditKind::SignedIn && e.kind != AuditKind::SignInFailed
        })
        .map(|e| (e.kind, e.username.as_deref()))
        .collect();
    assert_eq!(
        by_operator,
        [
            (AuditKind::AccountAdded, Some("sara")),
            (AuditKind::AccountAdded, Some("ali")),
            (AuditKind::AccountDisabled, Some("ali")),
            (AuditKind::AccountEnabled, Some("ali")),
            (AuditKind::PasswordReset, Some("ali")),
        ]
    );
}
