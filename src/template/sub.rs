//! The pieces of a `Fn::Sub` string: literals and `${Var}` references.

pub enum SubPiece<'t> {
    Literal(String),
    Variable(&'t str),
}

/// Splits a `Fn::Sub` string into literals and `${Var}` references (`${!X}` is literal).
pub fn split_sub(text: &str) -> Vec<SubPiece<'_>> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        literal.push_str(rest.get(..start).unwrap_or_default());
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(end) = after.find('}') else {
            literal.push_str(rest.get(start..).unwrap_or_default());
            rest = "";
            break;
        };
        let inner = after.get(..end).unwrap_or_default();
        if let Some(escaped) = inner.strip_prefix('!') {
            literal.push_str("${");
            literal.push_str(escaped);
            literal.push('}');
        } else {
            if !literal.is_empty() {
                pieces.push(SubPiece::Literal(std::mem::take(&mut literal)));
            }
            pieces.push(SubPiece::Variable(inner.trim()));
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(SubPiece::Literal(literal));
    }
    pieces
}

/// The variable names a `Fn::Sub` string references.
pub fn sub_variables(text: &str) -> impl Iterator<Item = &str> {
    split_sub(text).into_iter().filter_map(|p| match p {
        SubPiece::Variable(v) => Some(v),
        SubPiece::Literal(_) => None,
    })
}
