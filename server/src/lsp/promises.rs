//! What `((` completion items promised: the fresh `id::` for a block of another page, claimed
//! once by whichever comes first, the item's command or the didChange that inserts the
//! reference (block_ids.rs does the writing). Plain data, so `State` can hold it without
//! depending on the handlers.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use serde_json::json;

use logseq_core::syntax::uuid::parse_uuid;

/// The command a `((` completion item runs to write a fresh `id::` under a block of another
/// page: `[{path, blockStart, firstLine, id}]`.
pub const ADD_BLOCK_ID: &str = "logseq-lsp.addBlockId";

/// Promises kept at most (a few completion lists' worth: each `((` keystroke makes a new list).
const KEPT: usize = 2048;

/// Where an id goes: the block of `path` that started at `block_start` with `first_line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddBlockId {
    pub path: String,
    pub block_start: usize,
    pub first_line: String,
    pub id: String,
}

impl AddBlockId {
    pub fn arguments(&self) -> serde_json::Value {
        json!({"path": self.path, "blockStart": self.block_start,
               "firstLine": self.first_line, "id": self.id})
    }

    pub(super) fn from_arguments(args: &[serde_json::Value]) -> Option<AddBlockId> {
        let a = args.first()?;
        Some(AddBlockId {
            path: a.get("path")?.as_str()?.to_string(),
            block_start: usize::try_from(a.get("blockStart")?.as_u64()?).ok()?,
            first_line: a.get("firstLine")?.as_str()?.to_string(),
            id: a.get("id")?.as_str()?.to_string(),
        })
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// Promised and not yet claimed: the caller writes it.
    Mine(AddBlockId),
    /// The other path claimed it already.
    Taken,
    /// Never promised (or forgotten): a command still writes it, a didChange ignores it.
    Unknown,
}

/// The promises, oldest first, and the ids claimed lately.
#[derive(Default)]
pub struct Promises {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    open: HashMap<String, AddBlockId>,
    order: VecDeque<String>,
    claimed: VecDeque<String>,
}

impl Promises {
    pub fn promise(&self, a: AddBlockId) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.order.push_back(a.id.clone());
        g.open.insert(a.id.clone(), a);
        while g.order.len() > KEPT {
            if let Some(old) = g.order.pop_front() {
                g.open.remove(&old);
            }
        }
    }

    pub fn claim(&self, id: &str) -> Claim {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(a) = g.open.remove(id) {
            g.order.retain(|x| x != id);
            g.claimed.push_back(a.id.clone());
            if g.claimed.len() > KEPT {
                g.claimed.pop_front();
            }
            Claim::Mine(a)
        } else if g.claimed.iter().any(|x| x == id) {
            Claim::Taken
        } else {
            Claim::Unknown
        }
    }

    /// Whether anything is promised (a didChange looks for references only then).
    pub fn any(&self) -> bool {
        !self
            .inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .open
            .is_empty()
    }
}

/// The ids of the `((uuid))` references in `text` (an inserted piece of a document).
pub fn referenced_ids(text: &str) -> Vec<String> {
    text.match_indices("((")
        .filter_map(|(i, _)| {
            let rest = &text[i + 2..];
            let end = rest.find("))")?;
            parse_uuid(&rest[..end])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "6561b4a2-0d0c-4a8e-9e1f-0123456789ab";

    fn promise(id: &str) -> AddBlockId {
        AddBlockId {
            path: "pages/a.md".into(),
            block_start: 0,
            first_line: "- a".into(),
            id: id.into(),
        }
    }

    #[test]
    fn references_in_inserted_text() {
        assert_eq!(referenced_ids(&format!("(({ID}))")), vec![ID.to_string()]);
        assert_eq!(
            referenced_ids(&format!("- see (({ID})) 🦀 ((x))")),
            vec![ID.to_string()]
        );
        assert!(
            referenced_ids(&format!("(({ID}")).is_empty(),
            "not closed yet"
        );
        assert!(referenced_ids("((what is a))").is_empty());
    }

    #[test]
    fn a_promise_is_claimed_once() {
        let p = Promises::default();
        assert_eq!(p.claim(ID), Claim::Unknown);
        p.promise(promise(ID));
        assert!(p.any());
        assert_eq!(p.claim(ID), Claim::Mine(promise(ID)));
        assert_eq!(
            p.claim(ID),
            Claim::Taken,
            "the command after the didChange (or the reverse)"
        );
        assert!(!p.any());
    }

    #[test]
    fn old_promises_are_forgotten() {
        let p = Promises::default();
        let ids: Vec<String> = (0..KEPT + 1)
            .map(|i| format!("{i:08}-0000-4000-8000-000000000000"))
            .collect();
        for id in &ids {
            p.promise(promise(id));
        }
        assert_eq!(p.claim(&ids[0]), Claim::Unknown);
        assert!(matches!(p.claim(&ids[KEPT]), Claim::Mine(_)));
    }

    #[test]
    fn arguments_round_trip() {
        let a = promise(ID);
        assert_eq!(AddBlockId::from_arguments(&[a.arguments()]), Some(a));
        assert_eq!(AddBlockId::from_arguments(&[json!({"path": "x"})]), None);
    }
}
