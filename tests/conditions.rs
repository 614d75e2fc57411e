//! Per-deployment answers: `--parameter` (and config `parameters:`) decides conditions,
//! `Fn::If` takes only the live branch, a resource whose condition is false does not
//! exist, a branch never pairs with a parameter value its condition rules out, and a
//! file whose values were too costly to work out in full says so once.

mod common;

use common::ssmlint;

const SWITCHES: &str = "fixtures/conditions/deployment-switches.yaml";
const INLINE: &str = "fixtures/conditions/conditional-inline-policy-and-boundary.yaml";
const OPTIONAL_PROFILE: &str =
    "fixtures/SSM100/fail/profile-from-condition-ruling-out-the-default.yaml";
const PLACEHOLDER: &str = "fixtures/conditions/placeholder-default.yaml";
const COMBINATORIAL: &str = "fixtures/conditions/combinatorial-cidr.yaml";

/// `(code, message)` of each finding when `path` is linted with `parameters`.
fn findings(path: &str, parameters: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["--no-config", "--format", "json", path];
    for p in parameters {
        args.extend(["--parameter", p]);
    }
    let run = ssmlint(&args);
    assert!(
        run.code == 0 || run.code == 1,
        "{}{}",
        run.stdout,
        run.stderr
    );
    run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn codes(found: &[(String, String)]) -> Vec<&str> {
    found.iter().map(|(code, _)| code.as_str()).collect()
}

/// The codes about the instance profile (SSM100, SSM106), in order.
fn profile_codes(found: &[(String, String)]) -> Vec<&str> {
    let mut codes: Vec<&str> = codes(found)
        .into_iter()
        .filter(|c| matches!(*c, "SSM100" | "SSM106"))
        .collect();
    codes.sort_unstable();
    codes
}

fn message<'f>(found: &'f [(String, String)], code: &str) -> &'f str {
    found
        .iter()
        .find(|(c, _)| c == code)
        .map(|(_, m)| m.as_str())
        .unwrap_or_else(|| panic!("no {code} in {found:?}"))
}

#[test]
fn a_resource_whose_condition_is_false_does_not_exist() {
    let by_default = findings(SWITCHES, &[]);
    assert!(codes(&by_default).contains(&"SSM200"), "{by_default:?}");

    let closed = findings(SWITCHES, &["OpenSsh=false"]);
    assert!(!codes(&closed).contains(&"SSM200"), "{closed:?}");
}

#[test]
fn without_a_parameter_both_branches_are_judged() {
    // The default attaches the SSM policy; the other allowed value does not.
    let found = findings(SWITCHES, &[]);
    assert!(
        message(&found, "SSM103").contains("when condition `Ssm` is false"),
        "{found:?}"
    );
}

#[test]
fn a_decided_condition_takes_one_branch_and_is_not_named() {
    let without = findings(SWITCHES, &["HasSsm=no"]);
    let ssm103 = message(&without, "SSM103");
    assert!(!ssm103.contains("condition"), "{ssm103}");
    // The instance cannot register, so its session logging is not in question.
    assert!(!codes(&without).contains(&"SSM301"), "{without:?}");

    let with = findings(SWITCHES, &["HasSsm=yes"]);
    assert!(!codes(&with).contains(&"SSM103"), "{with:?}");
    assert!(codes(&with).contains(&"SSM301"), "{with:?}");
}

#[test]
fn a_conditional_inline_policy_is_judged_in_the_branch_without_it() {
    // Both branches: the one without the policy lacks the core actions, whatever the
    // boundary does, so the boundary's condition is not named.
    let found = findings(INLINE, &[]);
    let ssm103: Vec<&str> = found
        .iter()
        .filter(|(c, _)| c == "SSM103")
        .map(|(_, m)| m.as_str())
        .collect();
    assert_eq!(ssm103.len(), 1, "{found:?}");
    assert!(
        ssm103[0].contains("when condition `Ssm` is false:"),
        "{}",
        ssm103[0]
    );

    let found = findings(INLINE, &["HasSsm=no"]);
    assert!(codes(&found).contains(&"SSM103"), "{found:?}");
    let found = findings(INLINE, &["HasSsm=yes"]);
    assert!(!codes(&found).contains(&"SSM103"), "{found:?}");
}

#[test]
fn a_branch_never_uses_a_value_its_condition_rules_out() {
    // Default "" → no profile; the true branch → a profile named at deploy time.
    let found = findings(OPTIONAL_PROFILE, &[]);
    assert_eq!(profile_codes(&found), ["SSM100", "SSM106"], "{found:?}");
    assert!(
        message(&found, "SSM100").contains("when condition `AssignInstanceRole` is false"),
        "{found:?}"
    );
    let ssm106 = message(&found, "SSM106");
    assert!(ssm106.contains("parameter `InstanceRole`"), "{ssm106}");
    assert!(!ssm106.contains("``"), "an empty name: {ssm106}");

    // Given a name, there is a profile and it is the one named.
    let named = findings(OPTIONAL_PROFILE, &["InstanceRole=web-server"]);
    assert_eq!(profile_codes(&named), ["SSM106"], "{named:?}");
    assert!(
        message(&named, "SSM106").contains("web-server"),
        "{named:?}"
    );

    // Given "", there is none, and no condition is named.
    let none = findings(OPTIONAL_PROFILE, &["InstanceRole="]);
    assert_eq!(profile_codes(&none), ["SSM100"], "{none:?}");
    assert!(!message(&none, "SSM100").contains("condition"), "{none:?}");
}

#[test]
fn config_parameters_decide_conditions_like_the_flag() {
    let dir = common::scratch_dir("conditions-config");
    common::write(&dir.join("template.yaml"), common::read(SWITCHES));
    common::write(
        &dir.join(".ssmlint.yaml"),
        "parameters:\n  OpenSsh: \"false\"\n",
    );
    let run = common::ssmlint_in(&dir, &["--format", "json", "template.yaml"]);
    assert!(
        !run.codes().contains(&"SSM200".to_string()),
        "{}",
        run.stdout
    );
}

#[test]
fn a_capped_file_says_so_once() {
    let run = ssmlint(&["--no-config", "--format", "json", COMBINATORIAL, SWITCHES]);
    let files = run.json()["files"].as_array().cloned().expect("files");
    let note = |path: &str| {
        files
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["note"].clone())
            .expect("the file is reported")
    };
    assert!(
        note(COMBINATORIAL)
            .as_str()
            .is_some_and(|n| n.contains("treated as unknown")),
        "{files:?}"
    );
    assert!(note(SWITCHES).is_null(), "{files:?}");

    let human = ssmlint(&["--no-config", COMBINATORIAL]);
    assert_eq!(
        human.stdout.matches("treated as unknown").count(),
        1,
        "{}",
        human.stdout
    );
}

#[test]
fn a_conditional_boundary_leaves_the_branch_without_it_known() {
    // Without a boundary (the default ""), the role has the core actions: the instance is
    // reachable, so its session logging is in question (SSM301).
    let found = findings(INLINE, &[]);
    assert!(codes(&found).contains(&"SSM301"), "{found:?}");
    // With a boundary the template cannot read, reachability is unknown: no SSM301, no
    // SSM103 in the branch that has the policy, and an info that the boundary may remove
    // the actions.
    let bounded = findings(
        INLINE,
        &["Boundary=arn:aws:iam::123456789012:policy/b", "HasSsm=yes"],
    );
    assert_eq!(codes(&bounded), ["SSM106"], "{bounded:?}");
    assert!(
        message(&bounded, "SSM106").contains("permissions boundary"),
        "{bounded:?}"
    );
}

#[test]
fn a_placeholder_default_the_branch_rules_out_is_never_named() {
    let found = findings(PLACEHOLDER, &[]);
    let ssm201 = message(&found, "SSM201");
    assert!(!ssm201.contains("`NA`"), "{ssm201}");
    // Given a group, the rule is on that group.
    let given = findings(PLACEHOLDER, &["ExistingGroup=sg-0123456789abcdef0"]);
    assert!(
        message(&given, "SSM201").contains("sg-0123456789abcdef0"),
        "{given:?}"
    );
}
