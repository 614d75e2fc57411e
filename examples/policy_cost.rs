//! Measures the IAM engine on one template: statements read, questions asked, and the time
//! per statement × question — the figure `scripts/bench.sh` reports. With `--synthetic N`
//! it builds a role with N statements each under its own `Fn::If` condition, to show the
//! cost stays linear (branches are kept per statement, never multiplied out).
//!
//! cargo run --release --example policy_cost -- TEMPLATE | --synthetic N

use std::collections::HashMap;
use std::time::Instant;

use ssmlint::policy::effective::principal_permissions;
use ssmlint::semantic::access::identity_statements;
use ssmlint::semantic::Input;
use ssmlint::template::eval::Evaluator;
use ssmlint::template::model::Template;

const QUESTIONS: [&str; 8] = [
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "ssm:StartSession",
    "ssm:TerminateSession",
    "ssm:UpdateDocument",
];

fn synthetic(n: usize) -> String {
    let mut text =
        String::from("Parameters:\n  P:\n    Type: String\n    Default: a\nConditions:\n");
    for i in 0..n {
        text.push_str(&format!("  C{i}: !Equals [!Ref P, v{i}]\n"));
    }
    text.push_str("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n");
    for i in 0..n {
        text.push_str(&format!(
            "              - !If [C{i}, {{Effect: Allow, Action: 'svc{i}:*', Resource: '*'}}, !Ref AWS::NoValue]\n"
        ));
    }
    text
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (name, text) = match args.as_slice() {
        [flag, n] if flag == "--synthetic" => {
            let n: usize = n.parse().unwrap_or(1000);
            (
                format!("synthetic role with {n} conditional statements"),
                synthetic(n),
            )
        }
        [path] => (
            path.clone(),
            std::fs::read_to_string(path).unwrap_or_default(),
        ),
        _ => {
            eprintln!("usage: policy_cost TEMPLATE | --synthetic N");
            std::process::exit(2);
        }
    };
    let Ok(root) = ssmlint::syntax::parse(&text) else {
        eprintln!("{name}: does not parse");
        std::process::exit(2);
    };
    let template = Template::new(&root).with_source_text(&text);
    let eval = Evaluator::new(&template, &HashMap::new());
    let principals: Vec<_> = template
        .resources_of_type(&["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"])
        .collect();
    let runs = 20;
    let start = Instant::now();
    let mut statements = 0;
    let mut questions = 0;
    for _ in 0..runs {
        statements = 0;
        questions = 0;
        for principal in &principals {
            let perms = principal_permissions(&eval, principal);
            statements += perms.statements.len();
            for action in QUESTIONS {
                std::hint::black_box(perms.decide(action));
                questions += 1;
            }
        }
    }
    let elapsed = start.elapsed() / runs;
    let documents = ssmlint::policy::Documents::default();
    let written = identity_statements(Input::Template(&template), &eval, &documents).len();
    let work = (statements * QUESTIONS.len()).max(1);
    println!(
        "{name}: {} principals, {statements} effective statements ({written} written), {questions} questions: {:.2} ms, {:.0} ns per statement x question",
        principals.len(),
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_nanos() as f64 / work as f64
    );
}
