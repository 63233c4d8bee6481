//! Recommends only items with the label of the user's last item.

use std::collections::HashMap;
use std::path::Path;

use super::WhitelistFilter;
use crate::component::{Component, NoWiring};
use crate::containers::labels::LabelContainer;
use crate::data::RecDat;
use crate::error::Result;
use crate::experiment::{Environment, Updater};

crate::parameters! {
    /// A whitelist filter that lets through the items carrying the label of the user's last
    /// item. It is also an updater: add it to the experiment's updaters so it sees the stream
    /// (`update` remembers the label of the record's item as the user's last label, -1 if the
    /// item has none). Wrap a model with it through `WhitelistFilter2ModelAdapter`.
    ///
    /// `active(r)`: label(item) equals the user's last label; an unlabeled item and a user
    /// without a last label (-1 both) count as equal. The whitelist of a user is every item of
    /// the label file with the user's last label, ascending ids (empty for -1; so for such a
    /// user the adapter's iterator path and its predictions differ on unlabeled items, as in
    /// the original).
    pub struct LabelFilterParameters {
        /// Path of the label file: whitespace-separated "item label" integer pairs, one per
        /// line. Read when the filter is built. Must be given.
        pub label_file_name: String = String::new(); where non_empty(),
    }
}

pub struct LabelFilter {
    params: LabelFilterParameters,
    wiring: NoWiring,
    labels: LabelContainer,
    /// The items of each label, ascending.
    items_of: HashMap<i64, Vec<u32>>,
    last_label: Vec<i64>,
}

impl LabelFilter {
    /// The label the filter remembers for `user` (-1: none).
    pub fn last_label(&self, user: u32) -> i64 {
        self.last_label.get(user as usize).copied().unwrap_or(-1)
    }
}

impl WhitelistFilter for LabelFilter {
    fn active(&self, rec: &RecDat) -> bool {
        self.labels.label(rec.item) == self.last_label(rec.user)
    }

    fn whitelist_into(&self, user: u32, _time: f64, out: &mut Vec<u32>) {
        out.clear();
        let label = self.last_label(user);
        if label != -1 {
            out.extend_from_slice(self.items_of.get(&label).map_or(&[][..], |v| v.as_slice()));
        }
    }
}

impl Updater for LabelFilter {
    fn update(&mut self, rec: &RecDat, _env: &Environment) -> Result<()> {
        let u = rec.user as usize;
        if u >= self.last_label.len() {
            let more = u + 1 - self.last_label.len();
            crate::alloc::reserve(&mut self.last_label, more, "LabelFilter user labels")?;
            self.last_label.resize(u + 1, -1);
        }
        self.last_label[u] = self.labels.label(rec.item);
        Ok(())
    }
}

impl Component for LabelFilter {
    const NAME: &'static str = "LabelFilter";
    type Params = LabelFilterParameters;
    type Wiring = NoWiring;
    fn new(params: Self::Params) -> Result<Self> {
        params.validate(Self::NAME)?;
        let labels = LabelContainer::from_file(Path::new(&params.label_file_name))?;
        let mut items_of: HashMap<i64, Vec<u32>> = HashMap::new();
        for (item, label) in labels.iter() {
            items_of.entry(label).or_default().push(item);
        }
        Ok(LabelFilter { params, wiring: NoWiring, labels, items_of, last_label: Vec::new() })
    }
    crate::component_accessors!();
    /// The last label of every user.
    fn write_state(&self, out: &mut crate::codec::Encoder<'_>) -> Result<()> {
        out.u64(self.last_label.len() as u64)?;
        self.last_label.iter().try_for_each(|&l| out.i64(l))
    }
    fn read_state(&mut self, input: &mut crate::codec::Decoder<'_>) -> Result<()> {
        let n = input.u64("the last labels")?;
        self.last_label.clear();
        for _ in 0..n {
            self.last_label.push(input.i64("the last labels")?);
        }
        Ok(())
    }
}
