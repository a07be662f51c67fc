//! The behaviour every backend must show, run against SQLite and (with `DATABASE_URL`)
//! PostgreSQL through the same test bodies.

mod common;

use std::time::{Duration, Instant};

use itsa_store::{
    AnyStore, ApplicationRecord, CalculationStatus, ClockPin, CodingOutRecord, Completion, Computed, ComputedResult,
    Conflict, Declaration, DeclarationRecord, IncomeRecord, Job, NewCalculation, Requires, Store, StoreError,
    TokenRecord, Uuid, YearState,
};

/// An arbitrary "now" (June 2025), in milliseconds.
const T0: i64 = 1_750_000_000_000;
const LEASE: i64 = 60_000;

on_both_backends!(
    tokens_and_applications,
    income_is_replaced,
    the_year_state_is_read_together,
    calculation_lifecycle,
    nothing_due_claims_nothing,
    expired_lease_is_claimable_again,
    a_computed_calculation_is_stored_whole_without_a_job,
    a_burst_of_results_is_stored_together,
    failed_jobs_retry_then_give_up,
    list_order_limit_and_type_filter,
    one_calculation_in_progress_per_year,
    triggers_check_the_final_declaration,
    one_final_declaration_per_year_and_one_per_calculation,
    declarations_refuse_newer_income,
    coding_out_refused_once_declared,
    opting_out_changes_once,
    the_mode_is_claimed_once,
    concurrent_triggers_store_one,
    concurrent_computed_triggers_wait_for_none,
    concurrent_declarations_record_one,
    concurrent_opt_outs_change_once,
    wipe_taxpayer,
    clock_pin,
    coding_out_by_source_and_opt_out,
    wait_for_jobs_wakes_on_insert,
    concurrent_workers_compute_each_once,
);

fn new_calculation(nino: &str, tax_year: i32, calculation_type: &str, requested_at: i64) -> NewCalculation {
    NewCalculation {
        id: Uuid::new_v4(),
        nino: nino.to_string(),
        tax_year,
        calculation_type: calculation_type.to_string(),
        requested_by: "customer".to_string(),
        requested_at,
        input_document: r#"{"employments":[]}"#.to_string(),
        income_submitted_at: requested_at - 1_000,
        correlation_id: format!("corr-{requested_at}"),
    }
}

fn result(document: &str, error_count: i32) -> ComputedResult {
    ComputedResult { document: document.to_string(), error_count, total_due: "123.45".to_string() }
}

/// Queue a calculation for any worker.
async fn queue<S: Store>(s: &S, calculation: &NewCalculation) -> Job {
    s.insert_calculation(calculation, Requires::Nothing).await.unwrap()
}

/// Store a calculation computed as it is stored.
async fn computed<S: Store>(s: &S, calculation: &NewCalculation) {
    let result = result("{}", 0);
    let computed = Computed { result: &result, completed_at: calculation.requested_at, computed_by: "w" };
    s.insert_computed_calculation(calculation, Requires::Nothing, computed).await.unwrap();
}

fn conflict<T: std::fmt::Debug>(outcome: itsa_store::Result<T>) -> Conflict {
    match outcome {
        Err(StoreError::Conflict(conflict)) => conflict,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn final_declaration(nino: &str, tax_year: i32, calculation_id: Uuid, declared_at: i64) -> DeclarationRecord {
    DeclarationRecord {
        nino: nino.to_string(),
        tax_year,
        calculation_id,
        kind: "final-declaration".to_string(),
        declared_at,
    }
}

async fn tokens_and_applications<S: Store>(s: S) {
    let individual = TokenRecord {
        token_hash: "a".repeat(64),
        role: "individual".to_string(),
        nino: Some("AA123456A".to_string()),
        clients: vec![],
        scopes: vec!["read:self-assessment".to_string(), "write:self-assessment".to_string()],
        created_at: T0,
        expires_at: T0 + 1_000,
    };
    let agent = TokenRecord {
        token_hash: "b".repeat(64),
        role: "agent".to_string(),
        nino: None,
        clients: vec!["AA123456A".to_string(), "BB123456B".to_string()],
        scopes: vec!["read:self-assessment".to_string()],
        created_at: T0,
        // Already expired: still returned, the caller checks expiry.
        expires_at: T0 - 1,
    };
    s.insert_token(&individual).await.unwrap();
    s.insert_token(&agent).await.unwrap();
    assert_eq!(s.find_token(&individual.token_hash).await.unwrap(), Some(individual.clone()));
    assert_eq!(s.find_token(&agent.token_hash).await.unwrap(), Some(agent));
    assert_eq!(s.find_token(&"c".repeat(64)).await.unwrap(), None);
    assert!(s.insert_token(&individual).await.is_err(), "token hashes are unique");

    let application = ApplicationRecord {
        client_id: "client-1".to_string(),
        secret_hash: "d".repeat(64),
        name: "Bookkeeping app".to_string(),
        role: "agent".to_string(),
        nino: None,
        clients: vec!["AA123456A".to_string()],
        scopes: vec!["read:self-assessment".to_string()],
        created_at: T0,
    };
    s.insert_application(&application).await.unwrap();
    assert_eq!(s.find_application("client-1").await.unwrap(), Some(application));
    assert_eq!(s.find_application("client-2").await.unwrap(), None);
}

async fn income_is_replaced<S: Store>(s: S) {
    assert_eq!(s.get_income("AA123456A", 2025).await.unwrap(), None);
    let first = IncomeRecord {
        nino: "AA123456A".to_string(),
        tax_year: 2025,
        document: r#"{"v":1}"#.to_string(),
        submitted_at: T0,
    };
    s.put_income(&first).await.unwrap();
    assert_eq!(s.get_income("AA123456A", 2025).await.unwrap(), Some(first.clone()));

    let second = IncomeRecord { document: r#"{"v":2}"#.to_string(), submitted_at: T0 + 5, ..first.clone() };
    s.put_income(&second).await.unwrap();
    assert_eq!(s.get_income("AA123456A", 2025).await.unwrap(), Some(second));
    assert_eq!(s.get_income("AA123456A", 2024).await.unwrap(), None);
}

async fn the_year_state_is_read_together<S: Store>(s: S) {
    let n = "AA123456A";
    assert_eq!(s.year_state(n, 2025).await.unwrap(), None, "no income, no state");
    let income = IncomeRecord { nino: n.into(), tax_year: 2025, document: r#"{"v":1}"#.into(), submitted_at: T0 };
    s.put_income(&income).await.unwrap();
    let fresh = YearState {
        income: income.clone(),
        in_progress: false,
        final_declared: false,
        has_coding_out: false,
        opted_out_two_years_before: None,
    };
    assert_eq!(s.year_state(n, 2025).await.unwrap(), Some(fresh.clone()));

    let calculation = new_calculation(n, 2025, "intent-to-finalise", T0 + 10);
    let job = queue(&s, &calculation).await;
    assert!(s.year_state(n, 2025).await.unwrap().unwrap().in_progress);
    s.complete_calculation(job.id, calculation.id, &result("{}", 0), T0 + 11, "w").await.unwrap();
    s.insert_declaration(&final_declaration(n, 2025, calculation.id, T0 + 12), Requires::NoFinalDeclaration, T0)
        .await
        .unwrap();
    let coding_out = CodingOutRecord {
        nino: n.into(),
        tax_year: 2025,
        source: "user".into(),
        document: "{}".into(),
        submitted_at: T0,
    };
    s.put_coding_out(&coding_out, Requires::Nothing).await.unwrap();
    s.set_coding_out_opt_out(n, 2023, true, T0).await.unwrap();
    // Another year's and another taxpayer's records do not count.
    s.set_coding_out_opt_out(n, 2024, false, T0).await.unwrap();
    s.put_coding_out(&CodingOutRecord { tax_year: 2024, ..coding_out.clone() }, Requires::Nothing).await.unwrap();
    queue(&s, &new_calculation("BB123456B", 2025, "in-year", T0)).await;
    let state = s.year_state(n, 2025).await.unwrap().unwrap();
    assert_eq!(
        state,
        YearState {
            in_progress: false,
            final_declared: true,
            has_coding_out: true,
            opted_out_two_years_before: Some(true),
            ..fresh
        }
    );
    assert_eq!(s.year_state(n, 2024).await.unwrap(), None, "the income is the year's own");
}

async fn calculation_lifecycle<S: Store>(s: S) {
    let new = new_calculation("AA123456A", 2025, "in-year", T0);
    let queued_job = queue(&s, &new).await;
    assert_eq!((queued_job.calculation_id, queued_job.attempts), (new.id, 0));
    assert_eq!(s.pending_jobs().await.unwrap(), 1);
    assert!(s.calculation_in_progress("AA123456A", 2025).await.unwrap());
    let (with_input, input) = s.get_calculation_with_input(new.id).await.unwrap().unwrap();
    assert_eq!(input, new.input_document);
    assert_eq!(with_input, s.get_calculation(new.id).await.unwrap().unwrap());

    let queued = s.get_calculation(new.id).await.unwrap().unwrap();
    assert_eq!(queued.status, CalculationStatus::Queued);
    assert_eq!(queued.nino, new.nino);
    assert_eq!(queued.tax_year, 2025);
    assert_eq!(queued.calculation_type, "in-year");
    assert_eq!(queued.requested_by, "customer");
    assert_eq!(queued.requested_at, T0);
    assert_eq!(queued.income_submitted_at, new.income_submitted_at);
    assert_eq!(queued.correlation_id, new.correlation_id);
    assert_eq!((queued.result_document, queued.completed_at, queued.computed_by), (None, None, None));
    assert_eq!((queued.total_due, queued.declaration), (None, None));
    assert_eq!((queued.computations, queued.error_count, queued.failure), (0, 0, None));

    // Due at once, whatever clock requested_at came from.
    let early = T0 - 3_600_000;
    let job = s.claim_job("worker-1", early, LEASE).await.unwrap().expect("a job is due");
    assert_eq!(job.id, queued_job.id);
    assert_eq!(job.calculation_id, new.id);
    assert_eq!(job.attempts, 1);
    assert_eq!(job.correlation_id, new.correlation_id);
    // Leased: nobody else gets it.
    assert_eq!(s.claim_job("worker-2", early + LEASE, LEASE).await.unwrap(), None);
    assert_eq!(s.pending_jobs().await.unwrap(), 1);

    let stored =
        s.complete_calculation(job.id, new.id, &result(r#"{"total":1}"#, 2), T0 + 10, "worker-1").await.unwrap();
    assert!(stored);
    assert!(!s.calculation_in_progress("AA123456A", 2025).await.unwrap());
    let done = s.get_calculation(new.id).await.unwrap().unwrap();
    assert_eq!(done.status, CalculationStatus::Done);
    assert_eq!(done.result_document.as_deref(), Some(r#"{"total":1}"#));
    assert_eq!(done.error_count, 2);
    assert_eq!(done.total_due.as_deref(), Some("123.45"));
    assert_eq!(done.completed_at, Some(T0 + 10));
    assert_eq!(done.computations, 1);
    assert_eq!(done.computed_by.as_deref(), Some("worker-1"));
    assert_eq!(s.pending_jobs().await.unwrap(), 0);

    // A second completion (say, by a worker whose lease had expired) changes nothing.
    let again =
        s.complete_calculation(job.id, new.id, &result(r#"{"total":2}"#, 0), T0 + 20, "worker-2").await.unwrap();
    assert!(!again);
    assert_eq!(s.get_calculation(new.id).await.unwrap().unwrap(), done);
    assert_eq!(s.claim_job("worker-1", T0 + 100_000_000, LEASE).await.unwrap(), None);
    assert_eq!(s.get_calculation(Uuid::new_v4()).await.unwrap(), None);
    assert_eq!(s.get_calculation_with_input(Uuid::new_v4()).await.unwrap(), None);
}

async fn nothing_due_claims_nothing<S: Store>(s: S) {
    assert_eq!(s.claim_job("worker-1", T0, LEASE).await.unwrap(), None);

    let new = new_calculation("AA123456A", 2025, "in-year", T0);
    queue(&s, &new).await;
    let job = s.claim_job("worker-1", T0, LEASE).await.unwrap().unwrap();
    // Retry in a minute: not due before then.
    s.fail_job(&job, "transient", T0 + 60_000, false).await.unwrap();
    assert_eq!(s.claim_job("worker-1", T0 + 59_999, LEASE).await.unwrap(), None);
    let retried = s.claim_job("worker-2", T0 + 60_000, LEASE).await.unwrap().unwrap();
    assert_eq!((retried.id, retried.attempts), (job.id, 2));
}

async fn expired_lease_is_claimable_again<S: Store>(s: S) {
    let new = new_calculation("AA123456A", 2025, "in-year", T0);
    queue(&s, &new).await;
    let first = s.claim_job("worker-1", T0, 1_000).await.unwrap().unwrap();
    assert_eq!(s.claim_job("worker-2", T0 + 1_000, 1_000).await.unwrap(), None, "lease not yet expired");
    let second = s.claim_job("worker-2", T0 + 1_001, 1_000).await.unwrap().expect("lease expired");
    assert_eq!(second.id, first.id);
    assert_eq!(second.calculation_id, new.id);
    assert_eq!(second.attempts, 2);

    // Both workers finish; only the first result counts.
    assert!(s.complete_calculation(second.id, new.id, &result("{}", 0), T0 + 1_500, "worker-2").await.unwrap());
    assert!(!s.complete_calculation(first.id, new.id, &result("{}", 0), T0 + 1_600, "worker-1").await.unwrap());
    let done = s.get_calculation(new.id).await.unwrap().unwrap();
    assert_eq!((done.computations, done.computed_by.as_deref()), (1, Some("worker-2")));
}

async fn a_computed_calculation_is_stored_whole_without_a_job<S: Store>(s: S) {
    let new = new_calculation("AA123456A", 2025, "in-year", T0);
    let stored = result(r#"{"n":1}"#, 2);
    let computed = Computed { result: &stored, completed_at: T0 + 5, computed_by: "node-trigger" };
    s.insert_computed_calculation(&new, Requires::Nothing, computed).await.unwrap();
    assert_eq!(s.pending_jobs().await.unwrap(), 0, "nothing left for a worker");
    assert!(!s.calculation_in_progress("AA123456A", 2025).await.unwrap());
    let (record, input) = s.get_calculation_with_input(new.id).await.unwrap().expect("stored");
    assert_eq!(input, new.input_document);
    assert_eq!(record.status, CalculationStatus::Done);
    assert_eq!(record.result_document.as_deref(), Some(r#"{"n":1}"#));
    assert_eq!((record.error_count, record.total_due.as_deref()), (2, Some("123.45")));
    assert_eq!(
        (record.completed_at, record.computations, record.computed_by.as_deref()),
        (Some(T0 + 5), 1, Some("node-trigger"))
    );
    assert_eq!(record.correlation_id, new.correlation_id);
    let listed = s.list_computed("AA123456A", 2025, None, 10).await.unwrap();
    assert_eq!(listed.iter().map(|c| c.id).collect::<Vec<_>>(), vec![new.id]);
    // Nothing of a calculation refused for one in progress is stored, its input included.
    let queued = new_calculation("AA123456A", 2024, "in-year", T0);
    queue(&s, &queued).await;
    let mut refused = new_calculation("AA123456A", 2024, "in-year", T0 + 1);
    refused.input_document = r#"{"another":"document"}"#.to_string();
    let computed = Computed { result: &stored, completed_at: T0 + 5, computed_by: "node-trigger" };
    assert_eq!(
        conflict(s.insert_computed_calculation(&refused, Requires::Nothing, computed).await),
        Conflict::CalculationInProgress
    );
    assert_eq!(s.get_calculation(refused.id).await.unwrap(), None);
    assert_eq!(s.pending_jobs().await.unwrap(), 1);
    // A computed calculation checks the year's final declaration as a queued one does.
    let intent = new_calculation("AA123456A", 2025, "intent-to-amend", T0 + 2);
    let computed = Computed { result: &stored, completed_at: T0 + 5, computed_by: "node-trigger" };
    assert_eq!(
        conflict(s.insert_computed_calculation(&intent, Requires::FinalDeclaration, computed).await),
        Conflict::NotDeclared
    );
}

async fn a_burst_of_results_is_stored_together<S: Store>(s: S) {
    let mut jobs = Vec::new();
    for (k, nino) in ["AA000001A", "AA000002A", "AA000003A"].into_iter().enumerate() {
        let new = new_calculation(nino, 2025, "in-year", T0 + k as i64);
        jobs.push((queue(&s, &new).await, new.id));
    }
    // The second is already done (by a worker that reclaimed it, say).
    let (second, second_id) = &jobs[1];
    assert!(s.complete_calculation(second.id, *second_id, &result(r#"{"first":true}"#, 0), T0, "other").await.unwrap());
    let results = [result(r#"{"n":0}"#, 0), result(r#"{"n":1}"#, 0), result(r#"{"n":2}"#, 1)];
    let completions: Vec<Completion> = jobs
        .iter()
        .zip(&results)
        .map(|((job, id), result)| Completion { job_id: job.id, calculation_id: *id, result })
        .collect();
    assert_eq!(s.complete_calculations(&completions, T0 + 10, "local").await.unwrap(), vec![true, false, true]);
    assert_eq!(s.pending_jobs().await.unwrap(), 0, "every job of the burst is finished");
    let stored: Vec<(String, i32, Option<String>)> = {
        let mut out = Vec::new();
        for (_, id) in &jobs {
            let c = s.get_calculation(*id).await.unwrap().unwrap();
            out.push((c.result_document.unwrap_or_default(), c.computations, c.computed_by));
        }
        out
    };
    assert_eq!(stored[0], (r#"{"n":0}"#.to_string(), 1, Some("local".to_string())));
    assert_eq!(stored[1], (r#"{"first":true}"#.to_string(), 1, Some("other".to_string())), "a done result stays");
    assert_eq!(stored[2], (r#"{"n":2}"#.to_string(), 1, Some("local".to_string())));
}

async fn failed_jobs_retry_then_give_up<S: Store>(s: S) {
    let new = new_calculation("AA123456A", 2025, "in-year", T0);
    queue(&s, &new).await;
    let job = s.claim_job("worker-1", T0, LEASE).await.unwrap().unwrap();
    s.fail_job(&job, "first failure", T0 + 1, false).await.unwrap();
    assert_eq!(s.get_calculation(new.id).await.unwrap().unwrap().status, CalculationStatus::Queued);
    assert_eq!(s.pending_jobs().await.unwrap(), 1);

    let job = s.claim_job("worker-1", T0 + 1, LEASE).await.unwrap().unwrap();
    assert_eq!(job.attempts, 2);
    s.fail_job(&job, "second failure", T0 + 2, true).await.unwrap();
    let failed = s.get_calculation(new.id).await.unwrap().unwrap();
    assert_eq!(failed.status, CalculationStatus::Failed);
    assert_eq!(failed.failure.as_deref(), Some("second failure"));
    assert_eq!(failed.result_document, None);
    assert_eq!(s.pending_jobs().await.unwrap(), 0);
    assert_eq!(s.claim_job("worker-1", T0 + 100_000_000, LEASE).await.unwrap(), None);
    assert!(!s.calculation_in_progress("AA123456A", 2025).await.unwrap(), "a failed calculation is not in progress");
}

async fn list_order_limit_and_type_filter<S: Store>(s: S) {
    let oldest = new_calculation("AA123456A", 2025, "in-year", T0);
    let finalise = new_calculation("AA123456A", 2025, "intent-to-finalise", T0 + 1_000);
    let newest = new_calculation("AA123456A", 2025, "in-year", T0 + 2_000);
    let declared = new_calculation("AA123456A", 2025, "intent-to-finalise", T0 + 500);
    let other_year = new_calculation("AA123456A", 2024, "in-year", T0 + 3_000);
    let other_taxpayer = new_calculation("BB123456B", 2025, "in-year", T0 + 4_000);
    // Inserted out of order: the list orders by requested_at, not insertion.
    for c in [&finalise, &newest, &declared, &other_year, &oldest, &other_taxpayer] {
        computed(&s, c).await;
    }
    let still_queued = new_calculation("AA123456A", 2025, "in-year", T0 + 9_000);
    queue(&s, &still_queued).await;
    s.insert_declaration(&final_declaration("AA123456A", 2025, declared.id, T0 + 600), Requires::Nothing, T0)
        .await
        .unwrap();
    let list = |kind: Option<&'static str>, limit: u32| {
        let s = &s;
        async move {
            s.list_computed("AA123456A", 2025, kind, limit).await.unwrap().into_iter().map(|c| c.id).collect::<Vec<_>>()
        }
    };

    assert_eq!(list(None, 100).await, vec![newest.id, finalise.id, declared.id, oldest.id], "computed only");
    assert_eq!(list(None, 2).await, vec![newest.id, finalise.id], "the newest, at most the limit");
    assert_eq!(list(Some("in-year"), 100).await, vec![newest.id, oldest.id]);
    assert_eq!(list(Some("in-year"), 1).await, vec![newest.id]);
    assert_eq!(
        list(Some("intent-to-finalise"), 100).await,
        vec![finalise.id],
        "a declared one has the declaration's type"
    );
    assert_eq!(list(Some("final-declaration"), 100).await, vec![declared.id]);
    assert!(list(Some("intent-to-amend"), 100).await.is_empty());
    assert!(s.list_computed("CC123456C", 2025, None, 100).await.unwrap().is_empty());

    let summaries = s.list_computed("AA123456A", 2025, Some("final-declaration"), 100).await.unwrap();
    let summary = &summaries[0];
    assert_eq!(summary.declaration, Some(Declaration { kind: "final-declaration".into(), declared_at: T0 + 600 }));
    assert_eq!((summary.total_due.as_deref(), summary.completed_at), (Some("123.45"), Some(T0 + 500)));
    assert_eq!((summary.calculation_type.as_str(), summary.requested_by.as_str()), ("intent-to-finalise", "customer"));
    let record = s.get_calculation(declared.id).await.unwrap().unwrap();
    assert_eq!(record.declaration, summary.declaration);
}

async fn one_calculation_in_progress_per_year<S: Store>(s: S) {
    let first = new_calculation("AA123456A", 2025, "in-year", T0);
    let job = queue(&s, &first).await;
    let second = new_calculation("AA123456A", 2025, "intent-to-finalise", T0 + 1);
    assert_eq!(conflict(s.insert_calculation(&second, Requires::Nothing).await), Conflict::CalculationInProgress);
    let stored = result("{}", 0);
    let computed_now = Computed { result: &stored, completed_at: T0 + 1, computed_by: "node-trigger" };
    assert_eq!(
        conflict(s.insert_computed_calculation(&second, Requires::Nothing, computed_now).await),
        Conflict::CalculationInProgress
    );
    assert_eq!(s.get_calculation(second.id).await.unwrap(), None, "nothing of the refused calculation is stored");
    assert_eq!(s.pending_jobs().await.unwrap(), 1);
    // Other years and other taxpayers are free.
    computed(&s, &new_calculation("AA123456A", 2024, "in-year", T0)).await;
    computed(&s, &new_calculation("BB123456B", 2025, "in-year", T0)).await;
    // Once the first is computed, the year takes another.
    assert!(s.complete_calculation(job.id, first.id, &result("{}", 0), T0, "w").await.unwrap());
    queue(&s, &second).await;
}

async fn triggers_check_the_final_declaration<S: Store>(s: S) {
    let intent = new_calculation("AA123456A", 2025, "intent-to-amend", T0);
    assert_eq!(conflict(s.insert_calculation(&intent, Requires::FinalDeclaration).await), Conflict::NotDeclared);
    let finalise = new_calculation("AA123456A", 2025, "intent-to-finalise", T0);
    computed(&s, &finalise).await;
    s.insert_declaration(&final_declaration("AA123456A", 2025, finalise.id, T0), Requires::Nothing, T0).await.unwrap();
    let again = new_calculation("AA123456A", 2025, "intent-to-finalise", T0 + 1);
    assert_eq!(conflict(s.insert_calculation(&again, Requires::NoFinalDeclaration).await), Conflict::AlreadyDeclared);
    s.insert_calculation(&intent, Requires::FinalDeclaration).await.unwrap();
    // The declaration of one year says nothing of another.
    s.insert_calculation(&new_calculation("AA123456A", 2024, "intent-to-finalise", T0), Requires::NoFinalDeclaration)
        .await
        .unwrap();
}

async fn one_final_declaration_per_year_and_one_per_calculation<S: Store>(s: S) {
    let first = new_calculation("AA123456A", 2025, "intent-to-finalise", T0);
    let second = new_calculation("AA123456A", 2025, "intent-to-finalise", T0 + 1);
    computed(&s, &first).await;
    computed(&s, &second).await;
    assert_eq!(s.final_declaration("AA123456A", 2025).await.unwrap(), None);
    let declaration = final_declaration("AA123456A", 2025, first.id, T0 + 2);
    s.insert_declaration(&declaration, Requires::NoFinalDeclaration, T0).await.unwrap();
    assert_eq!(s.final_declaration("AA123456A", 2025).await.unwrap(), Some(declaration.clone()));
    // The schema refuses a second final declaration even when nothing is required.
    let other = final_declaration("AA123456A", 2025, second.id, T0 + 3);
    assert_eq!(conflict(s.insert_declaration(&other, Requires::Nothing, T0).await), Conflict::AlreadyDeclared);
    assert_eq!(
        conflict(s.insert_declaration(&other, Requires::NoFinalDeclaration, T0).await),
        Conflict::AlreadyDeclared
    );

    // An amendment needs the final declaration, and each intent to amend is confirmed once.
    let amend = new_calculation("AA123456A", 2025, "intent-to-amend", T0 + 4);
    computed(&s, &amend).await;
    let confirm = DeclarationRecord {
        kind: "confirm-amendment".into(),
        ..final_declaration("AA123456A", 2025, amend.id, T0 + 5)
    };
    s.insert_declaration(&confirm, Requires::FinalDeclaration, T0).await.unwrap();
    let twice = DeclarationRecord { declared_at: T0 + 6, ..confirm.clone() };
    assert_eq!(conflict(s.insert_declaration(&twice, Requires::FinalDeclaration, T0).await), Conflict::AlreadyDeclared);
    let elsewhere = DeclarationRecord { tax_year: 2024, ..confirm.clone() };
    assert_eq!(conflict(s.insert_declaration(&elsewhere, Requires::FinalDeclaration, T0).await), Conflict::NotDeclared);
    assert_eq!(s.final_declaration("AA123456A", 2025).await.unwrap(), Some(declaration), "the first one stands");
}

async fn declarations_refuse_newer_income<S: Store>(s: S) {
    let income =
        IncomeRecord { nino: "AA123456A".into(), tax_year: 2025, document: "{}".into(), submitted_at: T0 + 10 };
    s.put_income(&income).await.unwrap();
    let calculation = new_calculation("AA123456A", 2025, "intent-to-finalise", T0 + 20);
    computed(&s, &calculation).await;
    let declaration = final_declaration("AA123456A", 2025, calculation.id, T0 + 30);
    // Made of income submitted at T0 + 9: the income stored since is newer.
    assert_eq!(conflict(s.insert_declaration(&declaration, Requires::Nothing, T0 + 9).await), Conflict::NewerIncome);
    assert_eq!(s.final_declaration("AA123456A", 2025).await.unwrap(), None);
    s.insert_declaration(&declaration, Requires::Nothing, T0 + 10).await.unwrap();
}

async fn coding_out_refused_once_declared<S: Store>(s: S) {
    let record = CodingOutRecord {
        nino: "AA123456A".into(),
        tax_year: 2025,
        source: "user".into(),
        document: "{}".into(),
        submitted_at: T0,
    };
    s.put_coding_out(&record, Requires::NoFinalDeclaration).await.unwrap();
    let calculation = new_calculation("AA123456A", 2025, "intent-to-finalise", T0);
    computed(&s, &calculation).await;
    s.insert_declaration(&final_declaration("AA123456A", 2025, calculation.id, T0), Requires::Nothing, T0)
        .await
        .unwrap();
    let amended = CodingOutRecord { document: r#"{"a":1}"#.into(), ..record.clone() };
    assert_eq!(conflict(s.put_coding_out(&amended, Requires::NoFinalDeclaration).await), Conflict::AlreadyDeclared);
    assert_eq!(
        conflict(s.delete_coding_out("AA123456A", 2025, "user", Requires::NoFinalDeclaration).await),
        Conflict::AlreadyDeclared
    );
    assert_eq!(s.coding_out("AA123456A", 2025).await.unwrap(), vec![record], "unchanged");
    s.put_coding_out(&amended, Requires::Nothing).await.unwrap();
}

async fn opting_out_changes_once<S: Store>(s: S) {
    assert!(!s.set_coding_out_opt_out("AA123456A", 2025, false, T0).await.unwrap(), "never said is opted in");
    assert_eq!(s.coding_out_opt_out("AA123456A", 2025).await.unwrap(), None);
    assert!(s.set_coding_out_opt_out("AA123456A", 2025, true, T0).await.unwrap());
    assert!(!s.set_coding_out_opt_out("AA123456A", 2025, true, T0 + 1).await.unwrap());
    assert_eq!(s.coding_out_opt_out("AA123456A", 2025).await.unwrap(), Some(true));
    assert!(s.set_coding_out_opt_out("AA123456A", 2025, false, T0 + 2).await.unwrap());
    assert!(!s.set_coding_out_opt_out("AA123456A", 2025, false, T0 + 3).await.unwrap());
    assert_eq!(s.coding_out_opt_out("AA123456A", 2025).await.unwrap(), Some(false));
    assert!(s.set_coding_out_opt_out("AA123456A", 2025, true, T0 + 4).await.unwrap());
}

async fn the_mode_is_claimed_once<S: Store>(s: S) {
    assert_eq!(s.claim_mode("production").await.unwrap(), "production");
    assert_eq!(s.claim_mode("sandbox").await.unwrap(), "production", "the first mode stays");
    assert_eq!(s.claim_mode("production").await.unwrap(), "production");
}

/// How many times each outcome came back from concurrent attempts.
fn tally<T>(outcomes: Vec<itsa_store::Result<T>>) -> (usize, Vec<Conflict>) {
    let mut accepted = 0;
    let mut conflicts = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(_) => accepted += 1,
            Err(StoreError::Conflict(c)) => conflicts.push(c),
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    (accepted, conflicts)
}

const CONCURRENT: usize = 50;

/// Calculations computed as they are stored are never in progress: concurrent ones are
/// all stored, unless a queued one of the year is in progress, which refuses every one.
async fn concurrent_computed_triggers_wait_for_none<S: Store + Clone + 'static>(s: S) {
    for (trial, queued_first) in [(0, false), (1, true), (2, false), (3, true)] {
        let tax_year = 2020 + trial;
        if queued_first {
            queue(&s, &new_calculation("AA123456A", tax_year, "in-year", T0)).await;
        }
        let attempts = (0..CONCURRENT).map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                let c = new_calculation("AA123456A", tax_year, "intent-to-finalise", T0 + 1 + i as i64);
                let stored = result("{}", 0);
                let computed = Computed { result: &stored, completed_at: T0 + 1, computed_by: "node-trigger" };
                s.insert_computed_calculation(&c, Requires::NoFinalDeclaration, computed).await
            })
        });
        let (accepted, conflicts) = tally(futures_join(attempts).await);
        let listed = s.list_computed("AA123456A", tax_year, None, 100).await.unwrap().len();
        if queued_first {
            assert_eq!((accepted, listed), (0, 0), "trial {trial}");
            assert!(conflicts.iter().all(|c| *c == Conflict::CalculationInProgress), "{conflicts:?}");
        } else {
            assert_eq!((accepted, listed), (CONCURRENT, CONCURRENT), "trial {trial}: {conflicts:?}");
        }
    }
}

async fn concurrent_triggers_store_one<S: Store + Clone + 'static>(s: S) {
    for trial in 0..3 {
        let tax_year = 2020 + trial;
        let attempts = (0..CONCURRENT).map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                let c = new_calculation("AA123456A", tax_year, "intent-to-finalise", T0 + i as i64);
                s.insert_calculation(&c, Requires::NoFinalDeclaration).await
            })
        });
        let outcomes = futures_join(attempts).await;
        let (accepted, conflicts) = tally(outcomes);
        assert_eq!(accepted, 1, "trial {trial}");
        assert!(conflicts.iter().all(|c| *c == Conflict::CalculationInProgress), "{conflicts:?}");
    }
}

async fn concurrent_declarations_record_one<S: Store + Clone + 'static>(s: S) {
    for trial in 0..3 {
        let tax_year = 2020 + trial;
        let calculation = new_calculation("AA123456A", tax_year, "intent-to-finalise", T0);
        computed(&s, &calculation).await;
        let attempts = (0..CONCURRENT).map(|i| {
            let s = s.clone();
            tokio::spawn(async move {
                let d = final_declaration("AA123456A", tax_year, calculation.id, T0 + i as i64);
                s.insert_declaration(&d, Requires::NoFinalDeclaration, T0).await
            })
        });
        let (accepted, conflicts) = tally(futures_join(attempts).await);
        assert_eq!(accepted, 1, "trial {trial}");
        assert!(conflicts.iter().all(|c| *c == Conflict::AlreadyDeclared), "{conflicts:?}");
    }
}

async fn concurrent_opt_outs_change_once<S: Store + Clone + 'static>(s: S) {
    let attempts = (0..CONCURRENT).map(|i| {
        let s = s.clone();
        tokio::spawn(async move { s.set_coding_out_opt_out("AA123456A", 2025, true, T0 + i as i64).await.unwrap() })
    });
    let changed = futures_join(attempts).await.into_iter().filter(|changed| *changed).count();
    assert_eq!(changed, 1);
}

/// Await every task, in order.
async fn futures_join<T: Send + 'static>(tasks: impl IntoIterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let tasks: Vec<_> = tasks.into_iter().collect();
    let mut outcomes = Vec::with_capacity(tasks.len());
    for task in tasks {
        outcomes.push(task.await.expect("the task panicked"));
    }
    outcomes
}

async fn wipe_taxpayer<S: Store>(s: S) {
    for nino in ["AA123456A", "BB123456B"] {
        let income =
            IncomeRecord { nino: nino.to_string(), tax_year: 2025, document: "{}".to_string(), submitted_at: T0 };
        s.put_income(&income).await.unwrap();
        let declared = new_calculation(nino, 2025, "intent-to-finalise", T0);
        computed(&s, &declared).await;
        s.insert_declaration(&final_declaration(nino, 2025, declared.id, T0), Requires::Nothing, T0).await.unwrap();
        queue(&s, &new_calculation(nino, 2025, "in-year", T0 + 1)).await;
        queue(&s, &new_calculation(nino, 2024, "in-year", T0 + 1)).await;
    }
    let token = TokenRecord {
        token_hash: "e".repeat(64),
        role: "individual".to_string(),
        nino: Some("AA123456A".to_string()),
        clients: vec![],
        scopes: vec!["read:self-assessment".to_string()],
        created_at: T0,
        expires_at: T0 + 1_000,
    };
    s.insert_token(&token).await.unwrap();
    assert_eq!(s.pending_jobs().await.unwrap(), 4);

    s.wipe_taxpayer("AA123456A").await.unwrap();
    assert_eq!(s.get_income("AA123456A", 2025).await.unwrap(), None);
    assert!(s.list_computed("AA123456A", 2025, None, 100).await.unwrap().is_empty());
    assert!(!s.calculation_in_progress("AA123456A", 2025).await.unwrap());
    assert_eq!(s.final_declaration("AA123456A", 2025).await.unwrap(), None);
    assert_eq!(s.pending_jobs().await.unwrap(), 2, "the wiped calculations' jobs went with them");
    assert_eq!(s.find_token(&token.token_hash).await.unwrap(), Some(token));
    // The other taxpayer is untouched.
    assert!(s.get_income("BB123456B", 2025).await.unwrap().is_some());
    assert_eq!(s.list_computed("BB123456B", 2025, None, 100).await.unwrap().len(), 1);
    assert!(s.calculation_in_progress("BB123456B", 2025).await.unwrap());
    assert!(s.final_declaration("BB123456B", 2025).await.unwrap().is_some());
    // And its jobs still run.
    let job = s.claim_job("worker-1", T0, LEASE).await.unwrap().unwrap();
    assert!(s.complete_calculation(job.id, job.calculation_id, &result("{}", 0), T0, "worker-1").await.unwrap());
}

async fn clock_pin<S: Store>(s: S) {
    assert_eq!(s.clock_pin().await.unwrap(), None);
    let pin = ClockPin { pinned_now: T0, pinned_at: T0 + 123 };
    s.set_clock_pin(Some(pin)).await.unwrap();
    assert_eq!(s.clock_pin().await.unwrap(), Some(pin));
    let moved = ClockPin { pinned_now: T0 - 86_400_000, pinned_at: T0 + 456 };
    s.set_clock_pin(Some(moved)).await.unwrap();
    assert_eq!(s.clock_pin().await.unwrap(), Some(moved));
    s.set_clock_pin(None).await.unwrap();
    assert_eq!(s.clock_pin().await.unwrap(), None);
    s.set_clock_pin(None).await.unwrap();
}

async fn coding_out_by_source_and_opt_out<S: Store>(s: S) {
    let record = |source: &str, document: &str, at: i64| CodingOutRecord {
        nino: "AA123456A".into(),
        tax_year: 2025,
        source: source.into(),
        document: document.into(),
        submitted_at: at,
    };
    assert!(s.coding_out("AA123456A", 2025).await.unwrap().is_empty());
    s.put_coding_out(&record("hmrcHeld", "{\"a\":1}", T0), Requires::Nothing).await.unwrap();
    s.put_coding_out(&record("user", "{\"b\":1}", T0 + 1), Requires::NoFinalDeclaration).await.unwrap();
    s.put_coding_out(&record("user", "{\"b\":2}", T0 + 2), Requires::NoFinalDeclaration).await.unwrap();
    let stored = s.coding_out("AA123456A", 2025).await.unwrap();
    assert_eq!(stored, vec![record("hmrcHeld", "{\"a\":1}", T0), record("user", "{\"b\":2}", T0 + 2)]);
    assert!(s.coding_out("AA123456A", 2024).await.unwrap().is_empty(), "years are kept apart");
    assert!(s.delete_coding_out("AA123456A", 2025, "user", Requires::NoFinalDeclaration).await.unwrap());
    assert!(!s.delete_coding_out("AA123456A", 2025, "user", Requires::NoFinalDeclaration).await.unwrap());

    assert_eq!(s.coding_out_opt_out("AA123456A", 2025).await.unwrap(), None);
    s.set_coding_out_opt_out("AA123456A", 2025, true, T0).await.unwrap();
    assert_eq!(s.coding_out_opt_out("AA123456A", 2025).await.unwrap(), Some(true));
    s.set_coding_out_opt_out("AA123456A", 2025, false, T0 + 1).await.unwrap();
    assert_eq!(s.coding_out_opt_out("AA123456A", 2025).await.unwrap(), Some(false));

    s.wipe_taxpayer("AA123456A").await.unwrap();
    assert!(s.coding_out("AA123456A", 2025).await.unwrap().is_empty());
    assert_eq!(s.coding_out_opt_out("AA123456A", 2025).await.unwrap(), None);
}

async fn wait_for_jobs_wakes_on_insert<S: Store>(s: S) {
    // With nothing happening it returns after its timeout (or a little sooner, on a spurious
    // wake-up), never much later.
    let started = Instant::now();
    s.wait_for_jobs(Duration::from_millis(200)).await;
    assert!(started.elapsed() < Duration::from_secs(3));
    // Use up any wake-up left over from setting up.
    s.wait_for_jobs(Duration::from_millis(50)).await;

    let started = Instant::now();
    let trigger = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        queue(&s, &new_calculation("AA123456A", 2025, "in-year", T0)).await;
    };
    tokio::join!(s.wait_for_jobs(Duration::from_secs(20)), trigger);
    assert!(started.elapsed() < Duration::from_secs(10), "woken by the insert, not the timeout");
}

async fn concurrent_workers_compute_each_once<S: Store + Clone + 'static>(s: S) {
    const CALCULATIONS: usize = 200;
    const WORKERS: usize = 4;
    let mut ids = Vec::new();
    for i in 0..CALCULATIONS {
        // One taxpayer-year has one calculation in progress at a time: a taxpayer each.
        let new = new_calculation(&format!("AA{i:06}A"), 2025, "in-year", T0 + i as i64);
        queue(&s, &new).await;
        ids.push(new.id);
    }
    assert_eq!(s.pending_jobs().await.unwrap(), CALCULATIONS as i64);

    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let s = s.clone();
            tokio::spawn(async move {
                let name = format!("worker-{w}");
                let mut computed = 0;
                while let Some(job) = s.claim_job(&name, T0, LEASE).await.unwrap() {
                    let stored =
                        s.complete_calculation(job.id, job.calculation_id, &result("{}", 0), T0, &name).await.unwrap();
                    assert!(stored, "{name} was given a job already done");
                    computed += 1;
                }
                computed
            })
        })
        .collect();
    let mut total = 0;
    for worker in workers {
        total += worker.await.unwrap();
    }
    assert_eq!(total, CALCULATIONS);
    assert_eq!(s.pending_jobs().await.unwrap(), 0);
    for id in ids {
        let c = s.get_calculation(id).await.unwrap().unwrap();
        assert_eq!((c.status, c.computations), (CalculationStatus::Done, 1), "calculation {id}");
    }
}

/// A job triggered on one PostgreSQL node wakes a worker waiting on another.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_notifies_other_nodes() {
    let Some(db) = common::PgDb::new().await else { return };
    let waiter = db.store.clone();
    let other = db.second_node().await;

    // The first wait starts the listener and returns once it listens (or at its timeout).
    waiter.wait_for_jobs(Duration::from_secs(5)).await;
    waiter.wait_for_jobs(Duration::from_millis(50)).await;

    let started = Instant::now();
    let trigger = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        queue(&other, &new_calculation("AA123456A", 2025, "in-year", T0)).await;
    };
    tokio::join!(waiter.wait_for_jobs(Duration::from_secs(20)), trigger);
    assert!(started.elapsed() < Duration::from_secs(10), "woken by the other node's insert");
    other.pool().close().await;
    db.finish().await;
}

/// `AnyStore` picks the backend from the URL and delegates to it.
#[tokio::test]
async fn any_store_opens_the_backend_the_url_names() {
    let dir = std::env::temp_dir().join(format!("itsa-store-any-{}", Uuid::new_v4().simple()));

    let default = AnyStore::open(None, &dir).await.unwrap();
    assert_eq!(default.backend_name(), "sqlite");
    default.migrate().await.unwrap();
    assert!(dir.join("itsa.sqlite3").exists());
    calculation_lifecycle(default.clone()).await;

    let path = dir.join("other").join("named.sqlite3");
    let named = AnyStore::open(Some(&format!("sqlite://{}", path.display())), &dir).await.unwrap();
    assert_eq!(named.backend_name(), "sqlite");
    named.migrate().await.unwrap();
    assert!(path.exists());

    for bad in ["mysql://user:secret@host/db", "itsa.sqlite3", "sqlite://"] {
        match AnyStore::open(Some(bad), &dir).await {
            Err(StoreError::Invalid(message)) => assert!(!message.contains("secret"), "{message}"),
            other => panic!("{bad}: expected Invalid, got {other:?}"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);

    if let Some(url) = common::database_url() {
        let postgres = AnyStore::open(Some(&url), &dir).await.unwrap();
        assert_eq!(postgres.backend_name(), "postgres");
    }
}

/// The in-memory SQLite store keeps its data for as long as it lives, across queries.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_in_memory() {
    let store = itsa_store::SqliteStore::in_memory().await.unwrap();
    store.migrate().await.unwrap();
    calculation_lifecycle(store.clone()).await;
    concurrent_workers_compute_each_once(store).await;
}
