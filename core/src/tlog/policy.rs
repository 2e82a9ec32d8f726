//! C2SP transparency-log trust policies (<https://c2sp.org/tlog-policy>): which logs
//! are trusted, which witnesses exist, and the k-of-n quorum of cosignatures a
//! checkpoint needs.

use crate::keys::{KeyKind, VerifierKey};

/// The largest policy file accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 64 * 1024;
/// The most logs, witnesses or groups a policy may define (the spec recommends at
/// least 32).
pub const MAX_POLICY_ITEMS: usize = 256;

/// Why a policy file was rejected. `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The policy is larger than [`MAX_POLICY_BYTES`] or defines too many items.
    #[error("policy is too large")]
    TooLarge,
    /// A byte outside tab, newline, 0x20–0x7E and 0x80–0xFF.
    #[error("line {line}: forbidden control character")]
    Character {
        /// The line.
        line: usize,
    },
    /// A line that is not `log`, `witness`, `group` or `quorum`, or has the wrong
    /// number of fields.
    #[error("line {line}: {what}")]
    Syntax {
        /// The line.
        line: usize,
        /// What is wrong.
        what: &'static str,
    },
    /// A vkey that does not parse, or has the wrong signature type for its role.
    #[error("line {line}: bad key: {what}")]
    Key {
        /// The line.
        line: usize,
        /// What is wrong.
        what: String,
    },
    /// No quorum line.
    #[error("policy has no quorum line")]
    NoQuorum,
}

/// A log the policy trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLog {
    /// The log's key; its name is the log's origin.
    pub key: VerifierKey,
    /// Optional URL.
    pub url: Option<String>,
}

/// A witness the policy knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyWitness {
    /// The policy-local name (opaque bytes).
    pub name: Vec<u8>,
    /// The witness's cosignature key.
    pub key: VerifierKey,
    /// Optional URL.
    pub url: Option<String>,
}

/// A member of a group or the quorum: a witness or a group, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    /// Index into [`Policy::witnesses`].
    Witness(usize),
    /// Index into [`Policy::groups`].
    Group(usize),
}

/// A k-of-n group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyGroup {
    /// The group's name.
    pub name: Vec<u8>,
    /// How many members must have witnessed.
    pub threshold: usize,
    /// The members.
    pub members: Vec<Member>,
}

/// A parsed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Trusted logs.
    pub logs: Vec<PolicyLog>,
    /// Known witnesses.
    pub witnesses: Vec<PolicyWitness>,
    /// Groups, each only referring to earlier names.
    pub groups: Vec<PolicyGroup>,
    /// The quorum: `None` for `quorum none`.
    pub quorum: Option<Member>,
}

fn is_policy_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl Policy {
    /// Parses a policy file.
    pub fn parse(bytes: &[u8]) -> Result<Self, PolicyError> {
        if bytes.len() > MAX_POLICY_BYTES {
            return Err(PolicyError::TooLarge);
        }
        let mut policy = Policy {
            logs: vec![],
            witnesses: vec![],
            groups: vec![],
            quorum: None,
        };
        let mut has_quorum = false;
        for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
            let line = i + 1;
            if raw.iter().any(|&b| b < 0x20 && b != b'\t' || b == 0x7f) {
                return Err(PolicyError::Character { line });
            }
            let fields: Vec<&[u8]> = raw
                .split(|b| is_policy_space(*b))
                .filter(|f| !f.is_empty())
                .collect();
            let Some((keyword, args)) = fields.split_first() else {
                continue;
            };
            if keyword.starts_with(b"#") {
                continue;
            }
            match *keyword {
                b"log" => policy.add_log(line, args)?,
                b"witness" => policy.add_witness(line, args)?,
                b"group" => policy.add_group(line, args)?,
                b"quorum" => {
                    if has_quorum {
                        return Err(PolicyError::Syntax {
                            line,
                            what: "more than one quorum line",
                        });
                    }
                    let [name] = args else {
                        return Err(PolicyError::Syntax {
                            line,
                            what: "quorum takes one name",
                        });
                    };
                    policy.quorum = if *name == b"none" {
                        None
                    } else {
                        Some(policy.lookup(line, name)?)
                    };
                    has_quorum = true;
                }
                _ => {
                    return Err(PolicyError::Syntax {
                        line,
                        what: "unknown keyword",
                    })
                }
            }
            if policy
                .logs
                .len()
                .max(policy.witnesses.len())
                .max(policy.groups.len())
                > MAX_POLICY_ITEMS
            {
                return Err(PolicyError::TooLarge);
            }
        }
        if !has_quorum {
            return Err(PolicyError::NoQuorum);
        }
        Ok(policy)
    }

    fn add_log(&mut self, line: usize, args: &[&[u8]]) -> Result<(), PolicyError> {
        let (vkey, url) = match args {
            [vkey] => (*vkey, None),
            [vkey, url] => (*vkey, Some(utf8(line, url)?)),
            _ => {
                return Err(PolicyError::Syntax {
                    line,
                    what: "log takes a vkey and an optional URL",
                })
            }
        };
        let key = parse_key(line, vkey, KeyKind::Ed25519)?;
        if self.logs.iter().any(|l| l.key.same_public_key(&key)) {
            return Err(PolicyError::Key {
                line,
                what: "duplicate log key".into(),
            });
        }
        self.logs.push(PolicyLog { key, url });
        Ok(())
    }

    fn add_witness(&mut self, line: usize, args: &[&[u8]]) -> Result<(), PolicyError> {
        let (name, vkey, url) = match args {
            [name, vkey] => (*name, *vkey, None),
            [name, vkey, url] => (*name, *vkey, Some(utf8(line, url)?)),
            _ => {
                return Err(PolicyError::Syntax {
                    line,
                    what: "witness takes a name, a vkey and an optional URL",
                })
            }
        };
        self.check_new_name(line, name)?;
        let key = parse_key(line, vkey, KeyKind::CosignatureV1)?;
        if self.witnesses.iter().any(|w| w.key.same_public_key(&key)) {
            return Err(PolicyError::Key {
                line,
                what: "duplicate witness key".into(),
            });
        }
        self.witnesses.push(PolicyWitness {
            name: name.to_vec(),
            key,
            url,
        });
        Ok(())
    }

    fn add_group(&mut self, line: usize, args: &[&[u8]]) -> Result<(), PolicyError> {
        let [name, threshold, members @ ..] = args else {
            return Err(PolicyError::Syntax {
                line,
                what: "group takes a name, a threshold and members",
            });
        };
        if members.is_empty() {
            return Err(PolicyError::Syntax {
                line,
                what: "group needs at least one member",
            });
        }
        self.check_new_name(line, name)?;
        let mut resolved = Vec::with_capacity(members.len());
        for member in members {
            let m = self.lookup(line, member)?;
            let already =
                resolved.contains(&m) || self.groups.iter().any(|g| g.members.contains(&m));
            if already {
                return Err(PolicyError::Syntax {
                    line,
                    what: "a name may be a group member only once",
                });
            }
            resolved.push(m);
        }
        let n = resolved.len();
        let threshold = match *threshold {
            b"all" => n,
            b"any" => 1,
            digits => std::str::from_utf8(digits)
                .ok()
                .and_then(crate::encoding::parse_decimal)
                .and_then(|k| usize::try_from(k).ok())
                .filter(|k| (1..=n).contains(k))
                .ok_or(PolicyError::Syntax {
                    line,
                    what: "threshold must be all, any or 1..=n",
                })?,
        };
        self.groups.push(PolicyGroup {
            name: name.to_vec(),
            threshold,
            members: resolved,
        });
        Ok(())
    }

    fn check_new_name(&self, line: usize, name: &[u8]) -> Result<(), PolicyError> {
        if name == b"none" || name.starts_with(b"#") {
            return Err(PolicyError::Syntax {
                line,
                what: "reserved name",
            });
        }
        if self.witnesses.iter().any(|w| w.name == name)
            || self.groups.iter().any(|g| g.name == name)
        {
            return Err(PolicyError::Syntax {
                line,
                what: "name defined twice",
            });
        }
        Ok(())
    }

    fn lookup(&self, line: usize, name: &[u8]) -> Result<Member, PolicyError> {
        if let Some(i) = self.witnesses.iter().position(|w| w.name == name) {
            return Ok(Member::Witness(i));
        }
        if let Some(i) = self.groups.iter().position(|g| g.name == name) {
            return Ok(Member::Group(i));
        }
        Err(PolicyError::Syntax {
            line,
            what: "name not defined on an earlier line",
        })
    }

    /// Every key a checkpoint may be verified with: log keys, then witness keys.
    pub fn known_keys(&self) -> Vec<VerifierKey> {
        self.logs
            .iter()
            .map(|l| l.key.clone())
            .chain(self.witnesses.iter().map(|w| w.key.clone()))
            .collect()
    }

    /// True when the witnesses flagged in `cosigned` (indexed like
    /// [`Policy::witnesses`]) satisfy the quorum.
    pub fn quorum_met(&self, cosigned: &[bool]) -> bool {
        match self.quorum {
            None => true,
            Some(member) => self.witnessed(member, cosigned),
        }
    }

    fn witnessed(&self, member: Member, cosigned: &[bool]) -> bool {
        match member {
            Member::Witness(i) => cosigned.get(i).copied().unwrap_or(false),
            Member::Group(g) => self.groups.get(g).is_some_and(|group| {
                // Groups only refer to earlier groups, so recursion terminates.
                group
                    .members
                    .iter()
                    .filter(|m| self.witnessed(**m, cosigned))
                    .count()
                    >= group.threshold
            }),
        }
    }
}

fn utf8(line: usize, bytes: &[u8]) -> Result<String, PolicyError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| PolicyError::Syntax {
        line,
        what: "not UTF-8",
    })
}

fn parse_key(line: usize, vkey: &[u8], kind: KeyKind) -> Result<VerifierKey, PolicyError> {
    let text = std::str::from_utf8(vkey).map_err(|_| PolicyError::Key {
        line,
        what: "not UTF-8".into(),
    })?;
    let key = VerifierKey::parse(text).map_err(|e| PolicyError::Key {
        line,
        what: e.to_string(),
    })?;
    if key.kind() != kind {
        return Err(PolicyError::Key {
            line,
            what: "wrong signature type for this role".into(),
        });
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SignerKey;

    fn vkey(name: &str, kind: KeyKind, seed: u8) -> String {
        SignerKey::from_seed(name, kind, [seed; 32])
            .unwrap()
            .verifier()
            .to_string()
    }

    #[test]
    fn two_level_groups_evaluate_as_the_spec_example() {
        let mut text = format!(
            "# example\nlog {}\n",
            vkey("log.example", KeyKind::Ed25519, 1)
        );
        for (i, n) in ["X1", "X2", "X3", "Y1", "Y2", "Y3"].iter().enumerate() {
            text += &format!(
                "witness {n} {}\n",
                vkey(n, KeyKind::CosignatureV1, 10 + i as u8)
            );
        }
        text += "group X 2 X1 X2 X3\n\tgroup Y any Y1 Y2 Y3  \ngroup XY all X Y\nquorum XY\n";
        let policy = Policy::parse(text.as_bytes()).unwrap();
        assert!(policy.quorum_met(&[true, true, false, false, false, true]));
        assert!(!policy.quorum_met(&[true, false, false, true, true, true]));
        assert!(!policy.quorum_met(&[true, true, true, false, false, false]));
    }

    #[test]
    fn rejects_forward_references_duplicates_and_missing_quorum() {
        let w = vkey("w", KeyKind::CosignatureV1, 2);
        for bad in [
            format!("quorum A\nwitness A {w}\n"),
            format!("witness A {w}\nwitness B {w}\nquorum A\n"),
            format!("witness A {w}\n"),
            format!("witness A {w}\ngroup G 2 A\nquorum G\n"),
            format!("witness A {w}\ngroup G any A A\nquorum G\n"),
            format!("witness none {w}\nquorum none\n"),
            format!("log {w}\nquorum none\n"),
            "quorum none\nquorum none\n".to_owned(),
            "quorum none\u{1}\n".to_owned(),
        ] {
            assert!(Policy::parse(bad.as_bytes()).is_err(), "{bad}");
        }
        assert!(Policy::parse(b"quorum none").unwrap().quorum_met(&[]));
    }
}
