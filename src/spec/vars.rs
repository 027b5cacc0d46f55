//! Row variables: `${name}` in a spec string is filled from the current row.
//!
//! Only `${...}` is a row variable. Everything else passes through untouched,
//! MDM placeholders included (`{{DEVICEREGISTRATION}}`, `$SERIALNUMBER`,
//! `$FLEET_VAR_X`), and `$${` writes a literal `${`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// Where row variables take their values: a row of a CSV or JSON Lines file.
pub trait Vars {
    /// The value of column `name`, if the row has that column.
    fn var(&self, name: &str) -> Option<&str>;
}

/// No row: every variable is missing.
impl Vars for () {
    fn var(&self, _name: &str) -> Option<&str> {
        None
    }
}

impl Vars for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl Vars for HashMap<String, String> {
    fn var(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

/// Why a string could not be filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarError {
    /// `${name}` names no column of the row.
    Missing(String),
    /// A `${` without its closing `}`, or `${}`.
    Syntax(String),
}

/// Fills the `${name}` variables of `text` from `vars`; `$${` becomes `${`.
/// Text without `${` is returned borrowed, as it is.
pub fn substitute<'a>(text: &'a str, vars: &dyn Vars) -> Result<Cow<'a, str>, VarError> {
    if !text.contains("${") {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        if rest[..at].ends_with('$') {
            // `$${`: a literal `${`.
            out.push_str(&rest[..at - 1]);
            out.push_str("${");
            rest = &rest[at + 2..];
            continue;
        }
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| VarError::Syntax(text.to_string()))?;
        let name = &after[..end];
        if name.is_empty() || name.contains("${") {
            return Err(VarError::Syntax(text.to_string()));
        }
        out.push_str(
            vars.var(name)
                .ok_or_else(|| VarError::Missing(name.to_string()))?,
        );
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// The variable names `text` uses, in order; `Err` for a malformed `${`.
pub(crate) fn names(text: &str) -> Result<Vec<String>, VarError> {
    struct Record(std::cell::RefCell<Vec<String>>);
    impl Vars for Record {
        fn var(&self, name: &str) -> Option<&str> {
            self.0.borrow_mut().push(name.to_string());
            Some("")
        }
    }
    let record = Record(Default::default());
    substitute(text, &record)?;
    Ok(record.0.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> BTreeMap<String, String> {
        [("tenant", "contoso"), ("org", "Contoso Ltd")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fills_variables_and_keeps_everything_else() {
        let row = row();
        assert_eq!(
            substitute("com.${tenant}.psso", &row).unwrap(),
            "com.contoso.psso"
        );
        assert_eq!(
            substitute("${org}${tenant}", &row).unwrap(),
            "Contoso Ltdcontoso"
        );
        for kept in [
            "{{DEVICEREGISTRATION}}",
            "$SERIALNUMBER",
            "$FLEET_VAR_HOST_UUID",
            "$tenant",
            "{tenant}",
            "a $ b } {",
        ] {
            assert_eq!(substitute(kept, &row).unwrap(), kept);
            assert!(matches!(substitute(kept, &row).unwrap(), Cow::Borrowed(_)));
        }
        assert_eq!(
            substitute("{{DEVICEREGISTRATION}} ${tenant} $SERIALNUMBER", &row).unwrap(),
            "{{DEVICEREGISTRATION}} contoso $SERIALNUMBER"
        );
    }

    #[test]
    fn double_dollar_escapes_a_literal() {
        let row = row();
        assert_eq!(substitute("$${tenant}", &row).unwrap(), "${tenant}");
        assert_eq!(substitute("$${x ${tenant}", &row).unwrap(), "${x contoso");
        assert_eq!(substitute("$$${tenant}", &()).unwrap(), "$${tenant}");
    }

    #[test]
    fn missing_and_malformed_variables() {
        let row = row();
        assert_eq!(
            substitute("${tennant}", &row).unwrap_err(),
            VarError::Missing("tennant".into())
        );
        assert_eq!(
            substitute("a ${tenant", &row).unwrap_err(),
            VarError::Syntax("a ${tenant".into())
        );
        assert_eq!(
            substitute("${}", &row).unwrap_err(),
            VarError::Syntax("${}".into())
        );
        assert_eq!(
            names("${a}.${b} $${c}").unwrap(),
            vec!["a".to_string(), "b".to_string()]
        );
    }
}
