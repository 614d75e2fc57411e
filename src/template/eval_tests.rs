//! Unit tests of the intrinsic evaluator, through its public API: every intrinsic it
//! computes or declines, parameters (defaults, `--parameter` overrides, lists), pseudo
//! parameters, `Fn::If` and `AWS::NoValue`, conditions, provenance (`when`, `defaults`,
//! the node pointed at), and the two caps.
//!
//! Each test writes an expression as the top-level key `X` of a small template (`BASE`
//! below) and compares its alternatives, rendered by `show`, with what the evaluator
//! gives today. `// NOTE:` marks behaviour that looks wrong but is pinned as it is.

use std::collections::HashMap;

use crate::syntax::{Node, NodeKind};
use crate::template::eval::{
    describe_conditions, merge_provenance, qualifiers, Evaluator, Part, Resolved, Unknown, Value,
};
use crate::template::{with_template, Template, When};

/// Parameters, mappings, conditions and resources the expressions refer to.
const BASE: &str = "\
Parameters:
  Env: {Type: String, Default: prod}
  Stage: {Type: String, Default: dev}
  NoDefault: {Type: String}
  Port: {Type: Number, Default: 22}
  Flag: {Type: String, Default: true}
  Empty: {Type: String, Default: ''}
  NullDefault: {Type: String, Default: null}
  MapDefault: {Type: String, Default: {a: b}}
  Zones: {Type: CommaDelimitedList, Default: 'a, b,c'}
  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>', Default: 'subnet-1,subnet-2'}
  SeqDefault: {Type: CommaDelimitedList, Default: [x, y]}
  NoDefaultList: {Type: CommaDelimitedList}
  AttrName: {Type: String, Default: Arn}
  Web: {Type: String, Default: shadowed}
Mappings:
  RegionMap:
    us-east-1: {Ami: ami-east, Zones: [a, b]}
    prod: {Ami: ami-prod}
    dev: {Ami: ami-dev}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Equals [dev, !Ref Env]
  Unknowable: !Equals [!Ref NoDefault, x]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Condition NotProd]
  Either: !Or [!Condition IsProd, !Condition Unknowable]
  AndUnknown: !And [!Condition IsProd, !Condition Unknowable]
  OrFalseUnknown: !Or [!Condition IsDev, !Condition Unknowable]
  InRegion: !Equals [!Ref AWS::Region, us-east-1]
  LoopA: !Condition LoopB
  LoopB: !Condition LoopA
  BoolLiteral: !Equals [!Ref Flag, true]
  BoolQuoted: !Equals [!Ref Flag, 'true']
  NumberText: !Equals [!Ref Port, '22']
Resources:
  Web: {Type: AWS::EC2::Instance}
  Bucket: {Type: AWS::S3::Bucket}
  Profile: {Type: AWS::IAM::InstanceProfile}
";

/// A `Value` in a line: `"text"`, `"arn:" + ${AWS::Region}`, `Ref(Web.Arn)`,
/// `Unknown(Parameter("P"))`, `[list]`, `Node[2]` (a literal list of two),
/// `Node{a, b}` (a literal mapping with those keys).
fn show(value: &Value<'_>) -> String {
    match value {
        Value::Null => "null".into(),
        Value::NoValue => "NoValue".into(),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => format!("{s:?}"),
        Value::Partial(parts) => parts
            .iter()
            .map(|p| match p {
                Part::Literal(l) => format!("{l:?}"),
                Part::Hole(h) => h.clone(),
            })
            .collect::<Vec<_>>()
            .join(" + "),
        Value::Node(node) => match &node.kind {
            NodeKind::Seq(items) => format!("Node[{}]", items.len()),
            NodeKind::Map(entries) => {
                let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
                format!("Node{{{}}}", keys.join(", "))
            }
            other => format!("Node({other:?})"),
        },
        Value::List(items) => {
            let items: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Ref(r) => match &r.attribute {
            Some(attribute) => format!("Ref({}.{attribute})", r.id),
            None => format!("Ref({})", r.id),
        },
        Value::Unknown(u) => format!("Unknown({u:?})"),
    }
}

/// An alternative in a line: the value, then ` when A, !B` (the `Fn::If` branches, in
/// order) and ` from P, Q` (the parameter defaults).
fn show_alt(r: &Resolved<'_>) -> String {
    let mut out = show(&r.value);
    if !r.when.is_empty() {
        let when: Vec<String> = r
            .when
            .iter()
            .map(|(c, b)| if *b { c.to_string() } else { format!("!{c}") })
            .collect();
        out.push_str(&format!(" when {}", when.join(", ")));
    }
    if !r.defaults.is_empty() {
        out.push_str(&format!(" from {}", r.defaults.join(", ")));
    }
    out
}

fn show_all(alts: &[Resolved<'_>]) -> Vec<String> {
    alts.iter().map(show_alt).collect()
}

/// `BASE` with `X: <expr>` added.
fn template_with(expr: &str) -> String {
    format!("{BASE}X: {expr}\n")
}

fn x<'a>(template: &Template<'a>) -> &'a Node {
    template
        .root
        .get("X")
        .unwrap_or_else(|| panic!("the template has no X"))
}

/// The alternatives of `expr`, evaluated in `BASE`.
fn eval(expr: &str) -> Vec<String> {
    with_template(&template_with(expr), |template, eval| {
        show_all(&eval.eval(x(template)))
    })
}

/// The same, with `--parameter NAME=VALUE` overrides.
fn eval_with(expr: &str, overrides: &[(&str, &str)]) -> Vec<String> {
    let text = template_with(expr);
    let root = crate::syntax::parse(&text).unwrap_or_else(|e| panic!("{}", e.message));
    let overrides: HashMap<String, String> = overrides
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let template = Template::deployed(&root, &overrides).with_source_text(&text);
    let eval = Evaluator::new(&template, &overrides);
    show_all(&eval.eval(x(&template)))
}

/// The alternatives of `expr`, each followed by ` @ ` and the source text it points at.
fn eval_at(expr: &str) -> Vec<String> {
    let text = template_with(expr);
    with_template(&text, |template, eval| {
        eval.eval(x(template))
            .iter()
            .map(|r| {
                let span = text
                    .get(r.node.span.start()..r.node.span.end())
                    .unwrap_or("?");
                format!("{} @ {span}", show_alt(r))
            })
            .collect()
    })
}

/// The truth value of the named condition of `BASE`.
fn condition(name: &str) -> Option<bool> {
    with_template(&template_with("~"), |_, eval| eval.condition(name))
}

/// The truth of condition `name` when the template is deployed with `given` values.
fn condition_given(name: &str, given: &[(&str, &str)]) -> Option<bool> {
    let text = template_with("~");
    let root = crate::syntax::parse(&text).unwrap_or_else(|e| panic!("{}", e.message));
    let given: HashMap<String, String> = given
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let template = Template::deployed(&root, &given);
    Evaluator::new(&template, &given).condition(name)
}

// ---------------------------------------------------------------------------------------
// Literals

#[test]
fn scalars_evaluate_to_themselves() {
    assert_eq!(eval("hello"), ["\"hello\""]);
    assert_eq!(eval("'022'"), ["\"022\""]);
    assert_eq!(eval("022"), ["\"022\""], "numbers keep their text");
    assert_eq!(eval("1e3"), ["\"1e3\""]);
    assert_eq!(eval("true"), ["true"]);
    assert_eq!(eval("~"), ["null"]);
    assert_eq!(eval("[a, b]"), ["Node[2]"]);
    assert_eq!(eval("{a: 1, b: 2}"), ["Node{a, b}"]);
    assert_eq!(
        eval("{Ref: Web, Other: 1}"),
        ["Node{Ref, Other}"],
        "an intrinsic is a mapping with one key"
    );
}

#[test]
fn preprocessor_tags_are_opaque() {
    assert_eq!(
        eval("!Rain::Embed file.txt"),
        ["Unknown(Opaque(\"!Rain::Embed\"))"]
    );
}

// ---------------------------------------------------------------------------------------
// Ref

#[test]
fn ref_to_a_resource_is_a_link() {
    assert_eq!(eval("!Ref Bucket"), ["Ref(Bucket)"]);
    assert_eq!(eval("{Ref: Bucket}"), ["Ref(Bucket)"], "long form");
    assert_eq!(
        eval("!Ref Web"),
        ["Ref(Web)"],
        "a resource wins over a parameter of the same name"
    );
}

#[test]
fn ref_to_a_parameter_is_its_default() {
    assert_eq!(eval("!Ref Env"), ["\"prod\" from Env"]);
    assert_eq!(
        eval("!Ref Port"),
        ["\"22\" from Port"],
        "a number keeps its text"
    );
    assert_eq!(
        eval("!Ref Flag"),
        ["\"true\" from Flag"],
        "a boolean becomes text"
    );
    assert_eq!(eval("!Ref Empty"), ["\"\" from Empty"]);
    assert_eq!(
        eval("!Ref NoDefault"),
        ["Unknown(Parameter(\"NoDefault\"))"]
    );
    assert_eq!(
        eval("!Ref Undeclared"),
        ["Unknown(Undefined(\"Undeclared\"))"]
    );
    assert_eq!(eval("{Ref: [Env]}"), ["Unknown(Malformed)"]);
}

#[test]
fn a_default_that_is_no_scalar_is_unknown() {
    // NOTE: an unknown value still claims to rest on the default (`from NullDefault`),
    // so a message would say "(from the default of parameter `NullDefault`)" about a
    // value that was not read from it.
    assert_eq!(
        eval("!Ref NullDefault"),
        ["Unknown(Parameter(\"NullDefault\")) from NullDefault"]
    );
    assert_eq!(
        eval("!Ref MapDefault"),
        ["Unknown(Parameter(\"MapDefault\")) from MapDefault"]
    );
}

#[test]
fn list_parameters_are_lists() {
    assert_eq!(
        eval("!Ref Zones"),
        ["[\"a\", \"b\", \"c\"] from Zones"],
        "trimmed"
    );
    assert_eq!(
        eval("!Ref Subnets"),
        ["[\"subnet-1\", \"subnet-2\"] from Subnets"]
    );
    assert_eq!(
        eval("!Ref SeqDefault"),
        ["Node[2] from SeqDefault"],
        "a YAML list default stays a literal list"
    );
    assert_eq!(
        eval("!Ref NoDefaultList"),
        ["Unknown(Parameter(\"NoDefaultList\"))"]
    );
}

#[test]
fn overrides_replace_defaults_and_leave_no_provenance() {
    let set = [
        ("Env", "staging"),
        ("NoDefault", "given"),
        ("Zones", "x ,y"),
        ("Undeclared", "ignored"),
        ("Web", "ignored"),
        ("AWS::Region", "eu-west-1"),
    ];
    assert_eq!(eval_with("!Ref Env", &set), ["\"staging\""]);
    assert_eq!(eval_with("!Ref NoDefault", &set), ["\"given\""]);
    assert_eq!(eval_with("!Ref Zones", &set), ["[\"x\", \"y\"]"]);
    assert_eq!(eval_with("!Ref Stage", &set), ["\"dev\" from Stage"]);
    assert_eq!(
        eval_with("!Ref Undeclared", &set),
        ["Unknown(Undefined(\"Undeclared\"))"],
        "an override does not declare a parameter"
    );
    assert_eq!(eval_with("!Ref Web", &set), ["Ref(Web)"]);
    // NOTE: `--parameter AWS::Region=...` is accepted and silently has no effect: pseudo
    // parameters are looked up before overrides.
    assert_eq!(
        eval_with("!Ref AWS::Region", &set),
        ["Unknown(Pseudo(\"AWS::Region\"))"]
    );
    assert_eq!(
        eval_with("!Sub '${Env}-${NoDefault}'", &set),
        ["\"staging-given\""]
    );
}

#[test]
fn pseudo_parameters() {
    assert_eq!(eval("!Ref AWS::Partition"), ["\"aws\""]);
    assert_eq!(eval("!Ref AWS::URLSuffix"), ["\"amazonaws.com\""]);
    for name in [
        "AWS::Region",
        "AWS::AccountId",
        "AWS::StackName",
        "AWS::StackId",
        "AWS::NotificationARNs",
    ] {
        assert_eq!(
            eval(&format!("!Ref {name}")),
            [format!("Unknown(Pseudo(\"{name}\"))")]
        );
    }
    assert_eq!(eval("!Ref AWS::NoValue"), ["NoValue"]);
    assert_eq!(
        eval("!Ref AWS::Nothing"),
        ["Unknown(Undefined(\"AWS::Nothing\"))"]
    );
}

// ---------------------------------------------------------------------------------------
// Fn::GetAtt

#[test]
fn get_att_in_both_forms() {
    assert_eq!(eval("!GetAtt Bucket.Arn"), ["Ref(Bucket.Arn)"]);
    assert_eq!(eval("{Fn::GetAtt: Bucket.Arn}"), ["Ref(Bucket.Arn)"]);
    assert_eq!(eval("{Fn::GetAtt: [Bucket, Arn]}"), ["Ref(Bucket.Arn)"]);
    assert_eq!(
        eval("!GetAtt Stack.Outputs.Name"),
        ["Unknown(Undefined(\"Stack\"))"]
    );
    assert_eq!(
        with_template(
            "Resources:\n  Stack: {Type: AWS::CloudFormation::Stack}\nX: !GetAtt Stack.Outputs.Name\n",
            |t, e| show_all(&e.eval(x(t)))
        ),
        ["Ref(Stack.Outputs.Name)"],
        "the attribute is everything after the first dot"
    );
}

#[test]
fn get_att_attribute_from_an_expression() {
    assert_eq!(
        eval("{Fn::GetAtt: [Bucket, !Ref AttrName]}"),
        ["Ref(Bucket.Arn) from AttrName"]
    );
    assert_eq!(
        eval("{Fn::GetAtt: [Bucket, !If [IsProd, Arn, DomainName]]}"),
        [
            "Ref(Bucket.Arn) when IsProd",
            "Ref(Bucket.DomainName) when !IsProd"
        ]
    );
    assert_eq!(
        eval("{Fn::GetAtt: [Bucket, !Ref NoDefault]}"),
        ["Unknown(Unevaluated(\"Fn::GetAtt\"))"]
    );
}

#[test]
fn get_att_of_no_resource_or_malformed() {
    assert_eq!(
        eval("!GetAtt Missing.Arn"),
        ["Unknown(Undefined(\"Missing\"))"]
    );
    assert_eq!(
        eval("!GetAtt Env.Arn"),
        ["Unknown(Undefined(\"Env\"))"],
        "a parameter has no attributes"
    );
    assert_eq!(eval("!GetAtt Bucket"), ["Unknown(Malformed)"]);
    assert_eq!(eval("{Fn::GetAtt: [Bucket]}"), ["Unknown(Malformed)"]);
    assert_eq!(
        eval("{Fn::GetAtt: [!Ref Env, Arn]}"),
        ["Unknown(Malformed)"]
    );
    assert_eq!(eval("{Fn::GetAtt: {a: b}}"), ["Unknown(Malformed)"]);
}

// ---------------------------------------------------------------------------------------
// Fn::Sub

#[test]
fn sub_string_form() {
    assert_eq!(eval("!Sub plain"), ["\"plain\""]);
    assert_eq!(eval("!Sub '${Env}-app'"), ["\"prod-app\" from Env"]);
    assert_eq!(
        eval("!Sub '${ Env }-app'"),
        ["\"prod-app\" from Env"],
        "trimmed"
    );
    assert_eq!(
        eval("!Sub 'arn:${AWS::Partition}:s3:::${Bucket}/*'"),
        ["\"arn:aws:s3:::\" + ${Bucket} + \"/*\""]
    );
    assert_eq!(
        eval("!Sub 'arn:aws:logs:${AWS::Region}:${AWS::AccountId}:x'"),
        ["\"arn:aws:logs:\" + ${AWS::Region} + \":\" + ${AWS::AccountId} + \":x\""]
    );
    assert_eq!(
        eval("!Sub '${Bucket.Arn}/*'"),
        ["\"\" + ${Bucket.Arn} + \"/*\""]
    );
    assert_eq!(
        eval("!Sub '${NoDefault}-x'"),
        ["\"\" + ${NoDefault} + \"-x\""]
    );
    assert_eq!(
        eval("!Sub 'a-${Missing.Arn}'"),
        ["\"a-\" + ${Missing.Arn}"],
        "a dotted name of no resource is an undefined reference"
    );
}

#[test]
fn sub_of_one_reference_stays_a_reference() {
    assert_eq!(eval("!Sub '${Bucket}'"), ["Ref(Bucket)"]);
    assert_eq!(eval("!Sub '${Bucket.Arn}'"), ["Ref(Bucket.Arn)"]);
    assert_eq!(
        eval("{Fn::Sub: ['${B}', {B: !Ref Bucket}]}"),
        ["Ref(Bucket)"]
    );
}

#[test]
fn sub_leading_hole_keeps_an_empty_literal() {
    // NOTE: a string that starts with an unknown piece keeps an empty literal in front
    // (`"" + ${…}`), unlike one that starts with a known piece; `string_parts` callers
    // looking for a known prefix see "".
    assert_eq!(eval("!Sub '${AWS::Region}'"), ["\"\" + ${AWS::Region}"]);
    assert_eq!(eval("!Sub '${Missing.Arn}'"), ["\"\" + ${Missing.Arn}"]);
}

#[test]
fn sub_escapes_and_odd_strings() {
    assert_eq!(
        eval("!Sub '${!Literal}-${Env}'"),
        ["\"${Literal}-prod\" from Env"]
    );
    assert_eq!(eval("!Sub '${!aws:username}'"), ["\"${aws:username}\""]);
    assert_eq!(eval("!Sub 'a ${unclosed'"), ["\"a ${unclosed\""]);
    assert_eq!(eval("!Sub ''"), ["\"\""]);
    // NOTE: `${AWS::NoValue}` vanishes from the string as if it were empty; it has no
    // string value in CloudFormation, so an unknown (or malformed) would be truer.
    assert_eq!(eval("!Sub 'a${AWS::NoValue}b'"), ["\"ab\""]);
    assert_eq!(
        eval("!Sub '${Zones}'"),
        ["\"\" + ${…} from Zones"],
        "a list is a hole"
    );
}

#[test]
fn sub_list_form_with_variables() {
    // NOTE: a later piece's provenance comes first (`from Env, Stage` for a string that
    // reads Stage before Env, and `when IsDev, IsProd` below), so a message lists the
    // parameters and conditions in the reverse of their order in the text.
    assert_eq!(
        eval("{Fn::Sub: ['${A}-${B}-${Env}', {A: x, B: !Ref Stage}]}"),
        ["\"x-dev-prod\" from Env, Stage"],
        "a later piece's provenance comes first"
    );
    assert_eq!(
        eval("{Fn::Sub: ['${Env}', {Env: local}]}"),
        ["\"local\""],
        "a variable hides the parameter of the same name"
    );
    assert_eq!(
        eval("{Fn::Sub: ['${A}', {A: true}]}"),
        ["\"true\""],
        "a boolean is written out"
    );
    assert_eq!(
        eval("{Fn::Sub: ['${A}.${B}', {A: !If [IsProd, p, d], B: !If [IsDev, x, y]}]}"),
        [
            "\"p.x\" when IsDev, IsProd",
            "\"p.y\" when !IsDev, IsProd",
            "\"d.x\" when IsDev, !IsProd",
            "\"d.y\" when !IsDev, !IsProd",
        ]
    );
    assert_eq!(
        eval("{Fn::Sub: ['${A}${A}', {A: !If [IsProd, p, d]}]}"),
        ["\"pp\" when IsProd", "\"dd\" when !IsProd"],
        "one condition cannot take both branches"
    );
}

#[test]
fn sub_malformed() {
    assert_eq!(eval("{Fn::Sub: [text]}"), ["Unknown(Malformed)"]);
    assert_eq!(eval("{Fn::Sub: [!Ref Env, {}]}"), ["Unknown(Malformed)"]);
    assert_eq!(eval("{Fn::Sub: {a: b}}"), ["Unknown(Malformed)"]);
}

// ---------------------------------------------------------------------------------------
// Fn::Join

#[test]
fn join_of_known_and_unknown_pieces() {
    assert_eq!(eval("!Join ['', [a, b]]"), ["\"ab\""]);
    assert_eq!(
        eval("!Join [':', [arn, !Ref AWS::Partition, s3, '', '', !Ref Bucket]]"),
        ["\"arn:aws:s3:::\" + ${Bucket}"]
    );
    assert_eq!(
        eval("!Join ['/', [!Ref NoDefault, !GetAtt Bucket.Arn, x]]"),
        ["\"\" + ${NoDefault} + \"/\" + ${Bucket.Arn} + \"/x\""]
    );
    assert_eq!(
        eval("!Join [1, [a, b]]"),
        ["\"a1b\""],
        "a number delimiter is its text"
    );
    assert_eq!(eval("!Join [',', []]"), ["\"\""]);
    assert_eq!(eval("!Join [',', [true, ~]]"), ["\"true,\""]);
    assert_eq!(
        eval("!Join [',', [[a], {b: c}]]"),
        ["\"\" + ${…} + \",\" + ${…}"],
        "nested literals are holes"
    );
}

#[test]
fn join_drops_no_value_but_keeps_its_delimiter() {
    // NOTE: an `AWS::NoValue` element is dropped from a list everywhere else (`items`,
    // `Fn::Select`), as CloudFormation drops it, which would give "a,b"; here it becomes
    // an empty piece between two delimiters.
    assert_eq!(eval("!Join [',', [a, !Ref AWS::NoValue, b]]"), ["\"a,,b\""]);
}

#[test]
fn join_of_computed_lists() {
    assert_eq!(eval("!Join ['-', !Ref Zones]"), ["\"a-b-c\" from Zones"]);
    assert_eq!(eval("!Join ['+', !Split [',', 'x,y']]"), ["\"x+y\""]);
    assert_eq!(
        eval("!Join ['-', !If [IsProd, [a, b], [c]]]"),
        ["\"a-b\" when IsProd", "\"c\" when !IsProd"]
    );
    assert_eq!(
        eval("!Join ['-', [!If [IsProd, a, b], c]]"),
        ["\"a-c\" when IsProd", "\"b-c\" when !IsProd"]
    );
    assert_eq!(
        eval("!Join ['-', !Ref Env]"),
        ["Unknown(Unevaluated(\"Fn::Join\")) from Env"]
    );
    assert_eq!(
        eval("!Join ['-', !Ref NoDefaultList]"),
        ["Unknown(Unevaluated(\"Fn::Join\"))"]
    );
}

#[test]
fn join_malformed() {
    assert_eq!(eval("!Join [',']"), ["Unknown(Malformed)"]);
    assert_eq!(eval("!Join [[','], [a]]"), ["Unknown(Malformed)"]);
    assert_eq!(eval("{Fn::Join: a}"), ["Unknown(Malformed)"]);
}

// ---------------------------------------------------------------------------------------
// Fn::If and AWS::NoValue

#[test]
fn if_gives_both_branches_with_their_condition() {
    assert_eq!(
        eval("!If [IsProd, a, b]"),
        ["\"a\" when IsProd", "\"b\" when !IsProd"]
    );
    assert_eq!(
        eval("!If [Unknowable, a, b]"),
        ["\"a\" when Unknowable", "\"b\" when !Unknowable"],
        "both branches, whether or not the condition is known"
    );
    assert_eq!(
        eval("!If [NoSuchCondition, a, b]"),
        ["\"a\" when NoSuchCondition", "\"b\" when !NoSuchCondition"]
    );
}

#[test]
fn if_with_no_value() {
    assert_eq!(
        eval("!If [IsProd, !Ref Profile, !Ref AWS::NoValue]"),
        ["Ref(Profile) when IsProd", "NoValue when !IsProd"]
    );
    let text = template_with("!If [IsProd, !Ref Profile, !Ref AWS::NoValue]");
    let optional = with_template(&text, |t, e| show_all(&e.eval_opt(Some(x(t)))));
    assert_eq!(
        optional,
        ["Ref(Profile) when IsProd"],
        "eval_opt drops NoValue"
    );
}

#[test]
fn nested_ifs_record_inner_then_outer_and_drop_contradictions() {
    // Under `IsProd` (Env is prod), `IsDev` (Env is dev) cannot hold: its `yes` branch
    // is no deployment, and its `no` branch needs no naming.
    assert_eq!(
        eval("!If [IsProd, !If [IsDev, a, b], c]"),
        ["\"b\" when IsProd", "\"c\" when !IsProd"]
    );
    assert_eq!(
        eval("!If [IsProd, !If [InRegion, a, b], c]"),
        [
            "\"a\" when InRegion, IsProd",
            "\"b\" when !InRegion, IsProd",
            "\"c\" when !IsProd"
        ]
    );
    assert_eq!(
        eval("!If [IsProd, !If [IsProd, a, b], c]"),
        ["\"a\" when IsProd", "\"c\" when !IsProd"]
    );
}

#[test]
fn if_malformed() {
    assert_eq!(eval("!If [IsProd, a]"), ["Unknown(Malformed)"]);
    assert_eq!(eval("!If [[IsProd], a, b]"), ["Unknown(Malformed)"]);
    assert_eq!(eval("{Fn::If: IsProd}"), ["Unknown(Malformed)"]);
}

#[test]
fn each_alternative_points_at_the_narrowest_node() {
    assert_eq!(
        eval_at("!If [IsProd, yes, !Ref Env]"),
        [
            "\"yes\" when IsProd @ yes",
            // Not `IsProd`: Env is not its default `prod`, but a value given at deploy time.
            "Unknown(Parameter(\"Env\")) when !IsProd @ !Ref Env"
        ]
    );
    assert_eq!(
        eval_at("!Sub '${Env}'"),
        ["\"prod\" from Env @ !Sub '${Env}'"]
    );
    assert_eq!(
        eval_at("!Select [0, [a, b]]"),
        ["\"a\" @ a"],
        "Select points at the element"
    );
    assert_eq!(
        eval_at("!FindInMap [RegionMap, prod, Ami]"),
        ["\"ami-prod\" @ !FindInMap [RegionMap, prod, Ami]"]
    );
}

// ---------------------------------------------------------------------------------------
// Fn::FindInMap

#[test]
fn find_in_map() {
    assert_eq!(
        eval("!FindInMap [RegionMap, us-east-1, Ami]"),
        ["\"ami-east\""]
    );
    assert_eq!(
        eval("!FindInMap [RegionMap, us-east-1, Zones]"),
        ["Node[2]"]
    );
    assert_eq!(
        eval("!FindInMap [RegionMap, !Ref Env, Ami]"),
        ["\"ami-prod\" from Env"]
    );
    assert_eq!(
        eval("!FindInMap [RegionMap, !If [IsProd, prod, dev], Ami]"),
        ["\"ami-prod\" when IsProd", "\"ami-dev\" when !IsProd"]
    );
    assert_eq!(
        eval("!FindInMap [RegionMap, eu-west-1, Ami]"),
        ["Unknown(Unevaluated(\"Fn::FindInMap\"))"]
    );
    assert_eq!(
        eval("!FindInMap [NoMap, prod, Ami]"),
        ["Unknown(Unevaluated(\"Fn::FindInMap\"))"]
    );
    assert_eq!(
        eval("!FindInMap [RegionMap, !Ref AWS::Region, Ami]"),
        ["Unknown(Unevaluated(\"Fn::FindInMap\"))"]
    );
}

#[test]
fn find_in_map_default_value() {
    assert_eq!(
        eval("!FindInMap [RegionMap, eu-west-1, Ami, {DefaultValue: ami-default}]"),
        ["\"ami-default\""]
    );
    assert_eq!(
        eval("!FindInMap [RegionMap, prod, Ami, {DefaultValue: ami-default}]"),
        ["\"ami-prod\""]
    );
    assert_eq!(
        eval("!FindInMap [RegionMap, eu-west-1, Ami, {DefaultValue: !Ref Stage}]"),
        ["\"dev\" from Stage"]
    );
    assert_eq!(
        eval("!FindInMap [RegionMap, !Ref AWS::Region, Ami, {DefaultValue: ami-default}]"),
        ["Unknown(Unevaluated(\"Fn::FindInMap\"))"],
        "an unknown key may or may not be in the map"
    );
    assert_eq!(
        with_template(
            "Resources: {}\nX: !FindInMap [M, a, b, {DefaultValue: d}]\n",
            |t, e| show_all(&e.eval(x(t)))
        ),
        ["\"d\""],
        "without a Mappings section too"
    );
}

#[test]
fn find_in_map_malformed() {
    assert_eq!(eval("!FindInMap [RegionMap, prod]"), ["Unknown(Malformed)"]);
    assert_eq!(eval("{Fn::FindInMap: RegionMap}"), ["Unknown(Malformed)"]);
}

// ---------------------------------------------------------------------------------------
// Fn::Select and Fn::Split

#[test]
fn select() {
    assert_eq!(eval("!Select [1, [a, b, c]]"), ["\"b\""]);
    assert_eq!(eval("!Select ['2', [a, b, c]]"), ["\"c\""]);
    assert_eq!(eval("!Select [' 0 ', [a, b]]"), ["\"a\""]);
    assert_eq!(eval("!Select [1, !Ref Zones]"), ["\"b\" from Zones"]);
    assert_eq!(eval("!Select [0, !Split [',', 'x,y']]"), ["\"x\""]);
    assert_eq!(
        eval("!Select [1, [a, !Ref AWS::NoValue, c]]"),
        ["\"c\""],
        "NoValue elements are dropped first"
    );
    assert_eq!(
        eval("!Select [!If [IsProd, 0, 1], [a, b]]"),
        ["\"a\" when IsProd", "\"b\" when !IsProd"]
    );
    assert_eq!(
        eval("!Select [!Ref Port, [a, b]]"),
        ["Unknown(Unevaluated(\"Fn::Select\")) from Port"]
    );
}

#[test]
fn select_that_cannot_be_known() {
    let unevaluated = "Unknown(Unevaluated(\"Fn::Select\"))";
    assert_eq!(eval("!Select [3, [a, b]]"), [unevaluated]);
    assert_eq!(eval("!Select [-1, [a, b]]"), [unevaluated]);
    assert_eq!(eval("!Select [!Ref NoDefault, [a, b]]"), [unevaluated]);
    assert_eq!(
        eval("!Select [0, [!If [IsProd, a, b]]]"),
        [unevaluated],
        "a conditional element makes the list ambiguous"
    );
    assert_eq!(eval("!Select [1, !GetAZs '']"), [unevaluated]);
    assert_eq!(eval("!Select [0]"), ["Unknown(Malformed)"]);
}

#[test]
fn select_zero_of_a_single_value_is_that_value() {
    // NOTE: a value that is not a list counts as a one-element list (as `items` does for
    // properties), so index 0 of an unknown list is the unknown list itself, and index 0
    // of a string is the string; CloudFormation would take the first element or fail.
    assert_eq!(
        eval("!Select [0, !GetAZs '']"),
        ["Unknown(Unevaluated(\"Fn::GetAZs\"))"]
    );
    assert_eq!(
        eval("!Select [0, !Ref NoDefaultList]"),
        ["Unknown(Parameter(\"NoDefaultList\"))"]
    );
    assert_eq!(eval("!Select [0, abc]"), ["\"abc\""]);
}

#[test]
fn split() {
    assert_eq!(
        eval("!Split [',', 'a,b,,c']"),
        ["[\"a\", \"b\", \"\", \"c\"]"]
    );
    assert_eq!(eval("!Split [',', '']"), ["[\"\"]"]);
    assert_eq!(eval("!Split ['-', !Ref Env]"), ["[\"prod\"] from Env"]);
    assert_eq!(
        eval("!Split ['-', !If [IsProd, a-b, c]]"),
        ["[\"a\", \"b\"] when IsProd", "[\"c\"] when !IsProd"]
    );
    let unevaluated = "Unknown(Unevaluated(\"Fn::Split\"))";
    assert_eq!(eval("!Split ['', abc]"), [unevaluated]);
    assert_eq!(eval("!Split [',', !Ref NoDefault]"), [unevaluated]);
    assert_eq!(eval("!Split [',', !Sub 'a,${AWS::Region}']"), [unevaluated]);
    assert_eq!(eval("!Split [',']"), ["Unknown(Malformed)"]);
    assert_eq!(eval("!Split [[','], a]"), ["Unknown(Malformed)"]);
}

// ---------------------------------------------------------------------------------------
// Fn::Base64, Fn::ImportValue, and what is not evaluated

#[test]
fn base64_is_its_argument() {
    // NOTE: the value is the argument itself, not its Base64 encoding, so a comparison
    // with the encoded text CloudFormation passes on would go wrong. No rule reads
    // `Fn::Base64` values today, and the module does not document the choice.
    assert_eq!(eval("!Base64 hello"), ["\"hello\""]);
    assert_eq!(
        eval("!Base64 {Fn::Sub: 'echo ${Env}'}"),
        ["\"echo prod\" from Env"]
    );
    assert_eq!(
        eval_at("{Fn::Base64: !If [IsProd, a, b]}"),
        [
            "\"a\" when IsProd @ {Fn::Base64: !If [IsProd, a, b]}",
            "\"b\" when !IsProd @ {Fn::Base64: !If [IsProd, a, b]}"
        ]
    );
}

#[test]
fn import_value_is_unknown() {
    assert_eq!(
        eval("!ImportValue shared-profile"),
        ["Unknown(ImportValue)"]
    );
    assert_eq!(
        eval("!ImportValue {Fn::Sub: '${Env}-x'}"),
        ["Unknown(ImportValue)"]
    );
}

#[test]
fn other_intrinsics_are_unevaluated() {
    for (expr, name) in [
        ("!GetAZs ''", "Fn::GetAZs"),
        ("!GetAZs us-east-1", "Fn::GetAZs"),
        ("!Cidr [10.0.0.0/16, 4, 8]", "Fn::Cidr"),
        ("{Fn::Length: [a, b]}", "Fn::Length"),
        ("{Fn::ToJsonString: {a: b}}", "Fn::ToJsonString"),
        ("{Fn::Transform: {Name: x}}", "Fn::Transform"),
        ("{Fn::NoSuchThing: x}", "Fn::NoSuchThing"),
    ] {
        assert_eq!(
            eval(expr),
            [format!("Unknown(Unevaluated({name:?}))")],
            "{expr}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Condition functions and named conditions

#[test]
fn condition_functions_as_values() {
    assert_eq!(eval("!Equals [a, a]"), ["true"]);
    assert_eq!(eval("!Equals [a, b]"), ["false"]);
    assert_eq!(
        eval("!Equals [22, '22']"),
        ["true"],
        "numbers compare as text"
    );
    assert_eq!(eval("!Not [!Equals [a, b]]"), ["true"]);
    assert_eq!(eval("!And [!Equals [a, a], !Equals [b, b]]"), ["true"]);
    assert_eq!(eval("!Or [!Equals [a, b], !Equals [b, c]]"), ["false"]);
    // Conditions are decided by the parameters given, not by defaults.
    assert_eq!(
        eval("{Condition: IsProd}"),
        ["Unknown(Unevaluated(\"Condition\"))"]
    );
    assert_eq!(
        eval_with("{Condition: IsProd}", &[("Env", "prod")]),
        ["true"]
    );
    assert_eq!(
        eval("!Equals [!Ref NoDefault, x]"),
        ["Unknown(Unevaluated(\"Fn::Equals\"))"]
    );
    assert_eq!(
        eval("{Condition: Unknowable}"),
        ["Unknown(Unevaluated(\"Condition\"))"]
    );
    assert_eq!(
        eval("!Not [!Ref Env]"),
        ["Unknown(Unevaluated(\"Fn::Not\"))"]
    );
    assert_eq!(
        eval("!Equals [a]"),
        ["Unknown(Unevaluated(\"Fn::Equals\"))"]
    );
    assert_eq!(
        eval("!Equals [!If [IsProd, a, b], a]"),
        ["Unknown(Unevaluated(\"Fn::Equals\"))"],
        "a side with two values"
    );
    // NOTE: a condition read from a parameter default is a plain `true`: nothing says it
    // rests on `Env`'s default, which a deployment may override.
    assert_eq!(eval("!Equals [!Ref Env, prod]"), ["true"]);
}

#[test]
fn named_conditions() {
    // Per deployment: a default decides nothing, a given value does.
    assert_eq!(condition("IsProd"), None);
    assert_eq!(condition("IsDev"), None);
    assert_eq!(
        condition("Both"),
        Some(false),
        "IsProd and not IsProd never holds"
    );
    let prod = [("Env", "prod")];
    assert_eq!(condition_given("IsProd", &prod), Some(true));
    assert_eq!(condition_given("IsDev", &prod), Some(false));
    assert_eq!(condition_given("NotProd", &prod), Some(false));
    assert_eq!(condition_given("Both", &prod), Some(false));
    assert_eq!(condition("Unknowable"), None);
    assert_eq!(condition("InRegion"), None, "the region is not known");
    assert_eq!(condition("NoSuchCondition"), None);
}

#[test]
fn and_or_decide_early_and_stay_unknown_otherwise() {
    let prod = [("Env", "prod")];
    assert_eq!(
        condition_given("Either", &prod),
        Some(true),
        "true or unknown"
    );
    assert_eq!(
        condition_given("OrFalseUnknown", &prod),
        None,
        "false or unknown"
    );
    assert_eq!(
        condition_given("AndUnknown", &prod),
        None,
        "true and unknown"
    );
    assert_eq!(
        eval("!And [!Equals [a, b], !Condition Unknowable]"),
        ["false"],
        "false and unknown"
    );
    assert_eq!(eval("{Fn::And: []}"), ["true"]);
    assert_eq!(eval("{Fn::Or: []}"), ["false"]);
}

#[test]
fn condition_cycles_are_unknown() {
    assert_eq!(condition("LoopA"), None);
    assert_eq!(condition("LoopB"), None);
}

#[test]
fn conditions_compare_parameter_text() {
    let given = [("Flag", "true"), ("Port", "22")];
    assert_eq!(condition_given("BoolQuoted", &given), Some(true));
    assert_eq!(condition_given("NumberText", &given), Some(true));
    // An unquoted YAML `true` compares as the text "true", as CloudFormation does.
    assert_eq!(condition_given("BoolLiteral", &given), Some(true));
    assert_eq!(condition("BoolQuoted"), None, "the default decides nothing");
}

#[test]
fn plain_evaluator_knows_no_template() {
    let root = crate::syntax::parse("X: [!Ref Bucket, !Ref AWS::Partition, !Sub '${Env}']\n")
        .unwrap_or_else(|e| panic!("{}", e.message));
    let plain = Evaluator::plain();
    assert!(plain.template().is_none());
    assert!(plain.resource("Bucket").is_none());
    assert_eq!(plain.source_text(), "");
    assert_eq!(plain.condition("IsProd"), None);
    let list = root.get("X").unwrap_or_else(|| panic!("no X"));
    assert_eq!(
        show_all(&plain.items(list)),
        ["Unknown(Undefined(\"Bucket\"))", "\"aws\"", "\"\" + ${Env}"]
    );
}

#[test]
fn template_accessors() {
    let text = template_with("~");
    with_template(&text, |template, eval| {
        assert!(eval.template().is_some_and(|t| std::ptr::eq(t, template)));
        assert_eq!(
            eval.resource("Bucket").map(|r| r.type_name),
            Some("AWS::S3::Bucket")
        );
        assert!(eval.resource("Env").is_none());
        assert_eq!(eval.source_text(), text);
    });
}

// ---------------------------------------------------------------------------------------
// items, field, eval_opt

#[test]
fn items_flatten_lists_and_branches() {
    let items = |expr: &str| with_template(&template_with(expr), |t, e| show_all(&e.items(x(t))));
    assert_eq!(items("[a, !Ref Env]"), ["\"a\"", "\"prod\" from Env"]);
    assert_eq!(
        items("[a, !If [IsProd, b, !Ref AWS::NoValue]]"),
        ["\"a\"", "\"b\" when IsProd"]
    );
    assert_eq!(
        items("!If [IsProd, [a, b], [c]]"),
        [
            "\"a\" when IsProd",
            "\"b\" when IsProd",
            "\"c\" when !IsProd"
        ]
    );
    assert_eq!(
        items("{a: 1}"),
        ["Node{a}"],
        "a single mapping is a list of one"
    );
    assert_eq!(
        items("!Ref Zones"),
        ["\"a\" from Zones", "\"b\" from Zones", "\"c\" from Zones"]
    );
    assert_eq!(items("!Split [',', 'x,y']"), ["\"x\"", "\"y\""]);
    assert_eq!(
        items("!Ref NoDefault"),
        ["Unknown(Parameter(\"NoDefault\"))"]
    );
    assert!(items("!Ref AWS::NoValue").is_empty());
    assert!(items("~").is_empty());
    assert!(items("[]").is_empty());
    assert!(with_template(BASE, |_, e| e.items_opt(None).is_empty()));
}

#[test]
fn field_reads_mappings_with_provenance() {
    let text = template_with(
        "!If [IsProd, {Name: !If [IsDev, a, b], Arn: !Ref AWS::NoValue, Port: !Ref Port}, !Ref NoDefault]",
    );
    with_template(&text, |t, e| {
        let alts = e.eval(x(t));
        let [mapping, unknown] = alts.as_slice() else {
            panic!("two alternatives: {:?}", show_all(&alts));
        };
        assert_eq!(show_alt(mapping), "Node{Name, Arn, Port} when IsProd");
        assert!(mapping.value_node().is_some());
        assert_eq!(
            show_all(&e.field(mapping, "Name")),
            ["\"b\" when IsProd"],
            "IsDev cannot hold where IsProd does"
        );
        assert!(e.field(mapping, "Arn").is_empty(), "NoValue is absent");
        assert!(e.field(mapping, "Missing").is_empty());
        assert_eq!(
            show_all(&e.field(mapping, "Port")),
            ["\"22\" when IsProd from Port"]
        );
        assert_eq!(
            show_all(&e.field(unknown, "Name")),
            ["Unknown(Parameter(\"NoDefault\")) when !IsProd"],
            "every field of an unknown mapping is that unknown"
        );
        let name = e.field(mapping, "Name");
        let first = name.first().unwrap_or_else(|| panic!("a name"));
        assert!(
            e.field(first, "Anything").is_empty(),
            "a string has no fields"
        );
    });
}

#[test]
fn field_drops_branches_that_contradict_the_parent() {
    let text = template_with("!If [IsProd, {Name: !If [IsProd, p, q]}, {Name: r}]");
    with_template(&text, |t, e| {
        let fields: Vec<String> = e
            .eval(x(t))
            .iter()
            .flat_map(|parent| show_all(&e.field(parent, "Name")))
            .collect();
        assert_eq!(fields, ["\"p\" when IsProd", "\"r\" when !IsProd"]);
    });
}

#[test]
fn literal_is_an_unconditional_starting_point() {
    let text = template_with("{Profile: !If [IsProd, !Ref Profile, !Ref AWS::NoValue]}");
    with_template(&text, |t, e| {
        let start = Resolved::literal(x(t));
        assert!(start.when.is_empty() && start.defaults.is_empty());
        assert_eq!(
            show_all(&e.field(&start, "Profile")),
            ["Ref(Profile) when IsProd"]
        );
        assert_eq!(start.condition_text(), "");
    });
}

#[test]
fn eval_opt_drops_absent_null_and_no_value() {
    with_template(&template_with("[~, !Ref AWS::NoValue, a]"), |t, e| {
        assert!(e.eval_opt(None).is_empty());
        let items = x(t).as_seq().unwrap_or_default();
        let shown: Vec<Vec<String>> = items
            .iter()
            .map(|i| show_all(&e.eval_opt(Some(i))))
            .collect();
        assert_eq!(shown, [vec![], vec![], vec!["\"a\"".to_string()]]);
    });
}

// ---------------------------------------------------------------------------------------
// Provenance helpers

#[test]
fn provenance_merges_and_contradicts() {
    let mut when = When::of("A", true);
    let mut defaults = vec!["P"];
    assert!(merge_provenance(
        &mut when,
        &mut defaults,
        &When::from([("A", true), ("B", false)]),
        &["P", "Q"]
    ));
    assert_eq!(when, [("A", true), ("B", false)]);
    assert_eq!(defaults, ["P", "Q"]);
    assert!(!merge_provenance(
        &mut when,
        &mut defaults,
        &When::of("B", true),
        &[]
    ));
    assert_eq!(
        eval("!Join ['', [!Ref Env, !Ref Stage, !Ref Env]]"),
        ["\"proddevprod\" from Env, Stage"],
        "each default once, in order"
    );
}

#[test]
fn provenance_is_described_for_messages() {
    assert_eq!(describe_conditions(&[]), "");
    assert_eq!(
        describe_conditions(&[("IsProd", true), ("HasNat", false)]),
        "when condition `IsProd` is true and condition `HasNat` is false"
    );
    assert_eq!(qualifiers(&[], None, &[]), "");
    assert_eq!(
        qualifiers(&[("IsProd", true)], Some("HasSsh"), &["SSHLocation"]),
        " when condition `IsProd` is true (from the default of parameter `SSHLocation`) \
         (resource condition `HasSsh`)"
    );
    assert_eq!(
        qualifiers(&[], None, &["A", "B"]),
        " (from the defaults of parameters `A`, `B`)"
    );
    with_template(&template_with("!If [IsProd, a, b]"), |t, e| {
        let texts: Vec<String> = e.eval(x(t)).iter().map(Resolved::condition_text).collect();
        assert_eq!(
            texts,
            [
                "when condition `IsProd` is true",
                "when condition `IsProd` is false"
            ]
        );
    });
}

#[test]
fn value_helpers() {
    with_template(
        &template_with("[a, !Ref Bucket, !Sub 'x-${AWS::Region}', !Ref NoDefault]"),
        |t, e| {
            let items = e.items(x(t));
            let values: Vec<&Value<'_>> = items.iter().map(|r| &r.value).collect();
            let [text, link, partial, unknown] = values.as_slice() else {
                panic!("four items");
            };
            assert_eq!(text.as_str(), Some("a"));
            assert_eq!(link.as_str(), None);
            assert_eq!(Value::as_ref(link).map(|r| r.id), Some("Bucket"));
            assert!(Value::as_ref(text).is_none());
            assert_eq!(
                **unknown,
                Value::Unknown(Unknown::Parameter("NoDefault".into()))
            );
            assert!(unknown.is_unknown() && !partial.is_unknown());
            assert_eq!(text.string_parts(), Some(vec![Part::Literal("a".into())]));
            assert_eq!(
                partial.string_parts(),
                Some(vec![
                    Part::Literal("x-".into()),
                    Part::Hole("${AWS::Region}".into())
                ])
            );
            assert_eq!(unknown.string_parts(), None);
            assert!(items.iter().all(|r| r.value_node().is_none()));
        },
    );
}

// ---------------------------------------------------------------------------------------
// Caps

/// `!Join ['', [!If [C0, a, b], !If [C1, a, b], ...]]` with `n` conditions: 2^n strings.
fn join_of_ifs(n: usize) -> String {
    let ifs: Vec<String> = (0..n).map(|i| format!("!If [C{i}, a, b]")).collect();
    format!("!Join ['', [{}]]", ifs.join(", "))
}

#[test]
fn thirty_two_alternatives_are_kept() {
    let alts = eval(&join_of_ifs(5));
    assert_eq!(alts.len(), 32);
    assert!(alts.iter().all(|a| !a.starts_with("Unknown")));
    assert_eq!(
        alts.first().map(String::as_str),
        Some("\"aaaaa\" when C4, C3, C2, C1, C0")
    );
}

#[test]
fn more_than_thirty_two_alternatives_end_in_too_complex() {
    for n in [6, 8] {
        let alts = eval(&join_of_ifs(n));
        assert_eq!(alts.len(), 32, "{n} conditions");
        assert_eq!(alts.last().map(String::as_str), Some("Unknown(TooComplex)"));
        assert!(alts.iter().take(31).all(|a| !a.starts_with("Unknown")));
    }
    // Nested Ifs are capped once, when the whole expression is evaluated.
    let mut nested = "leaf".to_string();
    for i in 0..6 {
        nested = format!("!If [C{i}, {nested}, {nested}]");
    }
    let alts = eval_at(&nested);
    assert_eq!(alts.len(), 32);
    assert_eq!(
        alts.last(),
        Some(&format!("Unknown(TooComplex) @ {nested}")),
        "the unknown points at the whole expression"
    );
}

/// `depth` nested `Fn::Base64` around `"x"`, in JSON.
fn nested_base64(depth: usize) -> String {
    let mut expr = "\"x\"".to_string();
    for _ in 0..depth {
        expr = format!("{{\"Fn::Base64\": {expr}}}");
    }
    expr
}

#[test]
fn sixty_four_levels_of_nesting_are_evaluated_and_deeper_is_too_complex() {
    assert_eq!(eval(&nested_base64(63)), ["\"x\""]);
    assert_eq!(eval(&nested_base64(64)), ["\"x\""]);
    assert_eq!(eval(&nested_base64(65)), ["Unknown(TooComplex)"]);
    assert_eq!(eval(&nested_base64(200)), ["Unknown(TooComplex)"]);
}

#[test]
fn long_condition_chains_end_in_unknown() {
    let chain = |n: usize| {
        let mut text = String::from("Resources: {}\nConditions:\n");
        for i in 0..n {
            text.push_str(&format!("  C{i}: !Condition C{}\n", i + 1));
        }
        text.push_str(&format!("  C{n}: !Equals [a, a]\n"));
        with_template(&text, |_, e| e.condition("C0"))
    };
    assert_eq!(chain(10), Some(true));
    // Each link is one level of the conditions' logic, which reads 64 levels.
    assert_eq!(chain(64), Some(true));
    assert_eq!(chain(100), None);
}
