//! Spec files: a [`Spec`] written as TOML, whose keys are `generate`'s long
//! option names, and the row variables (`${column}`) a batch fills per row.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::Spec;
use super::vars::{self, VarError, Vars};
use crate::{Error, Result};

/// A spec file, parsed and checked: TOML syntax, known keys, and every value
/// that holds no row variable. Values with `${...}` are checked when a row
/// fills them.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecFile {
    source: String,
    table: toml::Table,
}

impl SpecFile {
    /// Parses `text`; `source` names it in messages (a path, or `template NAME`).
    ///
    /// # Errors
    ///
    /// [`Error::SpecFile`] naming `source` and the line: invalid TOML, an
    /// unknown key, a value its key does not accept, or a malformed `${`.
    pub fn parse(text: &str, source: impl Into<String>) -> Result<SpecFile> {
        let source = source.into();
        let at = |offset: usize, message: String| Error::SpecFile {
            file: source.clone(),
            line: line_of(text, offset),
            message,
        };
        let doc: BTreeMap<Spanned<String>, Spanned<toml::Value>> =
            toml::from_str(text).map_err(|e| {
                let offset = e.span().map_or(0, |s| s.start);
                at(offset, e.message().trim_end().to_string())
            })?;
        let mut entries: Vec<_> = doc.into_iter().collect();
        entries.sort_by_key(|(key, _)| key.span().start);
        let mut table = toml::Table::new();
        for (key, value) in entries {
            let start = key.span().start;
            let key = key.into_inner();
            if !keys().contains(&key.as_str()) {
                return Err(at(
                    start,
                    format!(
                        "unknown key `{key}`; expected one of {}",
                        keys()
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            let value_start = value.span().start;
            let value = value.into_inner();
            match variables_in(&value) {
                Err(VarError::Syntax(text)) => {
                    return Err(at(
                        value_start,
                        format!(
                            "`{key}`: `{text}` has a `${{` without a name and a closing `}}`; write `$${{` for a literal `${{`"
                        ),
                    ));
                }
                Ok(names) if names.is_empty() => {
                    let mut single = toml::Table::new();
                    single.insert(key.clone(), value.clone());
                    deserialize(single, &key).map_err(|e| match e {
                        Error::SpecValue { message, .. } => {
                            at(value_start, format!("`{key}`: {message}"))
                        }
                        other => other,
                    })?;
                }
                // `vars::names` answers every name: a column is never missing here.
                Ok(_) | Err(VarError::Missing(_)) => {}
            }
            table.insert(key, value);
        }
        Ok(SpecFile { source, table })
    }

    /// The settings of a run before its command-line options: the built-in
    /// template `template`, then the spec file at `spec` over it; `None` when
    /// neither is given.
    ///
    /// # Errors
    ///
    /// Those of [`template`](super::template) and [`SpecFile::read`].
    pub fn layered(template: Option<&str>, spec: Option<&Path>) -> Result<Option<SpecFile>> {
        let mut file = match template {
            Some(name) => Some(super::template(name)?.spec_file()?),
            None => None,
        };
        if let Some(path) = spec {
            let read = SpecFile::read(path)?;
            match &mut file {
                Some(base) => base.overlay(read),
                None => file = Some(read),
            }
        }
        Ok(file)
    }

    /// Reads and parses the spec file at `path` (`-` for standard input).
    ///
    /// # Errors
    ///
    /// [`Error::Read`] and the errors of [`SpecFile::parse`]; a file that is not
    /// UTF-8 is an [`Error::SpecFile`] at line 1.
    pub fn read(path: &Path) -> Result<SpecFile> {
        let bytes = crate::codec::read_input_as(path, crate::codec::InputKind::SpecFile)?;
        let source = path.display().to_string();
        let text = String::from_utf8(bytes).map_err(|e| Error::SpecFile {
            file: source.clone(),
            line: line_of_bytes(e.as_bytes(), e.utf8_error().valid_up_to()),
            message: "not UTF-8 text; a spec file is TOML".to_string(),
        })?;
        SpecFile::parse(&text, source)
    }

    /// Where this spec came from (the last overlaid layer's name after [`SpecFile::overlay`]).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Lays `other` over `self`: each key `other` sets replaces this one, but
    /// `extension-data` and `authorization-groups` merge key by key.
    pub fn overlay(&mut self, other: SpecFile) {
        for (key, value) in other.table {
            match (self.table.get_mut(&key), value) {
                (Some(toml::Value::Table(mine)), toml::Value::Table(theirs))
                    if key == "extension-data" || key == "authorization-groups" =>
                {
                    mine.extend(theirs);
                }
                (_, value) => {
                    self.table.insert(key, value);
                }
            }
        }
        self.source = other.source;
    }

    /// The row variables this spec uses, sorted.
    pub fn variables(&self) -> BTreeSet<String> {
        self.table
            .values()
            .flat_map(|v| variables_in(v).unwrap_or_default())
            .collect()
    }

    /// The spec, for a spec without row variables (`$${` escapes are undone).
    ///
    /// # Errors
    ///
    /// [`Error::RowVariables`] when the spec uses row variables (only a batch fills
    /// them), [`Error::SpecValue`] for a value its key does not accept.
    pub fn to_spec(&self) -> Result<Spec> {
        let variables = self.variables();
        if !variables.is_empty() {
            return Err(Error::RowVariables {
                source_name: self.source.clone(),
                variables: variables.into_iter().collect(),
            });
        }
        self.row_spec()?.render(&())
    }

    /// Prepares the spec for rendering once per row: the values without row
    /// variables are deserialized once, here.
    ///
    /// # Errors
    ///
    /// [`Error::SpecValue`] for a value its key does not accept.
    pub fn row_spec(&self) -> Result<RowSpec> {
        let mut fixed = toml::Table::new();
        let mut templated = Vec::new();
        for (key, value) in &self.table {
            if holds_template(value) {
                templated.push((key.clone(), value.clone()));
            } else {
                fixed.insert(key.clone(), value.clone());
            }
        }
        let identifier = match self.table.get("identifier") {
            Some(toml::Value::String(s)) => s.clone(),
            _ => super::DEFAULT_IDENTIFIER.to_string(),
        };
        Ok(RowSpec {
            base: deserialize(fixed, "spec")?,
            templated,
            identifier,
        })
    }
}

/// A spec ready to be filled from rows: [`RowSpec::render`] per row.
#[derive(Debug, Clone)]
pub struct RowSpec {
    base: Spec,
    templated: Vec<(String, toml::Value)>,
    identifier: String,
}

impl RowSpec {
    /// The spec for one row: its `${column}` variables filled from `row`.
    ///
    /// # Errors
    ///
    /// [`Error::MissingColumn`] naming the column and the key, or
    /// [`Error::SpecValue`] when a filled value is not one its key accepts.
    pub fn render(&self, row: &dyn Vars) -> Result<Spec> {
        let mut spec = self.base.clone();
        if self.templated.is_empty() {
            return Ok(spec);
        }
        for (key, value) in &self.templated {
            let filled = fill(value, row).map_err(|e| match e {
                VarError::Missing(column) => Error::MissingColumn {
                    column,
                    key: Some(key.clone()),
                },
                VarError::Syntax(text) => Error::SpecValue {
                    key: key.clone(),
                    message: format!("`{text}` has a malformed `${{`"),
                },
            })?;
            let mut single = toml::Table::new();
            single.insert(key.clone(), filled);
            spec.overlay(deserialize(single, key)?);
        }
        Ok(spec)
    }

    /// The `identifier` as written, row variables unfilled (the default
    /// identifier when the spec sets none): the default file-name pattern.
    pub fn identifier_pattern(&self) -> &str {
        &self.identifier
    }
}

/// The spec that `table` (spec keys to values) holds; an error names `key`.
pub(crate) fn deserialize(table: toml::Table, key: &str) -> Result<Spec> {
    Spec::deserialize(table).map_err(|e| Error::SpecValue {
        key: key.to_string(),
        message: e.message().trim_end().to_string(),
    })
}

fn holds_template(value: &toml::Value) -> bool {
    match value {
        toml::Value::String(s) => s.contains("${"),
        toml::Value::Array(items) => items.iter().any(holds_template),
        toml::Value::Table(t) => t.values().any(holds_template),
        _ => false,
    }
}

fn variables_in(value: &toml::Value) -> Result<Vec<String>, VarError> {
    match value {
        toml::Value::String(s) => vars::names(s),
        toml::Value::Array(items) => items.iter().try_fold(Vec::new(), |mut all, v| {
            all.extend(variables_in(v)?);
            Ok(all)
        }),
        toml::Value::Table(t) => t.values().try_fold(Vec::new(), |mut all, v| {
            all.extend(variables_in(v)?);
            Ok(all)
        }),
        _ => Ok(Vec::new()),
    }
}

fn fill(value: &toml::Value, row: &dyn Vars) -> Result<toml::Value, VarError> {
    Ok(match value {
        toml::Value::String(s) => toml::Value::String(vars::substitute(s, row)?.into_owned()),
        toml::Value::Array(items) => toml::Value::Array(
            items
                .iter()
                .map(|v| fill(v, row))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(t) => toml::Value::Table(
            t.iter()
                .map(|(k, v)| Ok((k.clone(), fill(v, row)?)))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// The keys a spec file accepts: the field names serde knows for [`Spec`], in order.
pub fn keys() -> &'static [&'static str] {
    use std::sync::OnceLock;
    static KEYS: OnceLock<&'static [&'static str]> = OnceLock::new();
    KEYS.get_or_init(|| {
        struct Capture<'a>(&'a mut &'static [&'static str]);
        impl<'de> serde::Deserializer<'de> for Capture<'_> {
            type Error = serde::de::value::Error;
            fn deserialize_any<V: serde::de::Visitor<'de>>(
                self,
                _visitor: V,
            ) -> Result<V::Value, Self::Error> {
                Err(serde::de::Error::custom("field names only"))
            }
            fn deserialize_struct<V: serde::de::Visitor<'de>>(
                self,
                _name: &'static str,
                fields: &'static [&'static str],
                _visitor: V,
            ) -> Result<V::Value, Self::Error> {
                *self.0 = fields;
                Err(serde::de::Error::custom("field names only"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
                bytes byte_buf option unit unit_struct newtype_struct seq tuple
                tuple_struct map enum identifier ignored_any
            }
        }
        let mut fields: &'static [&'static str] = &[];
        let _ = Spec::deserialize(Capture(&mut fields));
        fields
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    line_of_bytes(text.as_bytes(), offset)
}

fn line_of_bytes(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests;
