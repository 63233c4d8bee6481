//! The recency role: a time-dependent weight per entity (users or items).

/// A weight of an entity at a time, updated as the entity is seen.
pub trait Recency: Send + Sync {
    fn get(&self, entity: u32, now: f64) -> f64;
    fn update(&mut self, entity: u32, now: f64);
}

crate::role!(Recency => "recency", "a recency");
