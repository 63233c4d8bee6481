//! Saving and loading a personal popularity model.
//!
//! Format (little-endian, after the header `PersonalPopularityModel`, version 1, dimension 0):
//! the global item counts (u32 length, u32 each); per user (u32 count): the top item (u32,
//! u32::MAX for none) and the user's items (u32 count, then u32 item and f64 score sum each,
//! in increasing item order).

use std::io::{Read, Write};

use super::personal::PersonalPopularityModel;
use crate::containers::PopContainer;
use crate::containers::top_pop_container::MAX_LOADED_COUNT;
use crate::error::Result;
use crate::models::codec::{Decoder, Encoder};
use crate::models::serialization::{read_header, write_header};

const KIND: &str = "PersonalPopularityModel";
const NONE: u32 = u32::MAX;

pub fn write(m: &PersonalPopularityModel, out: &mut dyn Write) -> Result<()> {
    write_header(out, KIND, 1, 0)?;
    let mut e = Encoder { kind: KIND, out };
    e.u32s(m.global.counts(), "item counts")?;
    e.len(m.personal.len(), "users")?;
    for (u, row) in m.personal.iter().enumerate() {
        e.u32(m.user_top_item.get(u).copied().flatten().unwrap_or(NONE))?;
        let mut entries: Vec<(u32, f64)> = row.iter().flat_map(|r| r.iter().map(|(&i, &v)| (i, v))).collect();
        entries.sort_unstable_by_key(|&(i, _)| i);
        e.len(entries.len(), "items of a user")?;
        for (item, value) in entries {
            e.u32(item)?;
            e.f64(value)?;
        }
    }
    Ok(())
}

pub fn read(m: &mut PersonalPopularityModel, input: &mut dyn Read) -> Result<()> {
    read_header(input, KIND, 1, 0)?;
    let mut d = Decoder { kind: KIND, input };
    let counts = d.u32s_at_most("item counts", "item count", MAX_LOADED_COUNT)?;
    let users = d.len("users")?;
    let (mut personal, mut tops) = (Vec::new(), Vec::new());
    for _ in 0..users {
        let top = d.u32("a top item")?;
        let len = d.len("items of a user")?;
        let mut row = crate::containers::fx::FxHashMap::default();
        for _ in 0..len {
            let item = d.id("an item")?;
            let value = d.f64("a score sum")?;
            if row.insert(item, value).is_some() {
                return Err(d.corrupt(&format!("item {item} repeats in a user's row")));
            }
        }
        if top != NONE && !row.contains_key(&top) {
            return Err(d.corrupt(&format!("top item {top} is not among the user's items")));
        }
        tops.push((top != NONE).then_some(top));
        personal.push((!row.is_empty()).then(|| Box::new(row)));
    }
    d.end()?;
    let highest_pop = counts.iter().copied().max().unwrap_or(0);
    m.ln_count = (0..=highest_pop).map(|c| ((c + 1) as f64).ln()).collect();
    m.global = PopContainer::from_counts(counts);
    m.highest_pop = highest_pop;
    m.personal = personal;
    m.user_top_item = tops;
    Ok(())
}
