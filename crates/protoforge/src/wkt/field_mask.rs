//! Hand-written helpers for [`FieldMask`], following protobuf's `FieldMaskUtil`: building a
//! mask, asking whether it covers a path, and the normal form, union and intersection (a
//! path covers every path below it: `a` covers `a.b`).

use super::FieldMask;

impl FieldMask {
    /// A mask of `paths` (dot-separated field names, e.g. `"user.display_name"`).
    pub fn new<I, S>(paths: I) -> FieldMask
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        FieldMask {
            paths: paths.into_iter().map(Into::into).collect(),
            ..Default::default()
        }
    }

    /// Whether `path` is in the mask or below a path in it.
    ///
    /// # Examples
    ///
    /// ```
    /// let mask = protoforge::wkt::FieldMask::new(["a.b", "c"]);
    /// assert!(mask.contains("a.b") && mask.contains("a.b.c") && mask.contains("c.d"));
    /// assert!(!mask.contains("a") && !mask.contains("a.bc"));
    /// ```
    pub fn contains(&self, path: &str) -> bool {
        self.paths.iter().any(|p| covers(p, path))
    }

    /// The normal form: sorted, without duplicates and without paths covered by others.
    ///
    /// # Examples
    ///
    /// ```
    /// let mask = protoforge::wkt::FieldMask::new(["b", "a.c", "a", "b"]);
    /// assert_eq!(mask.normalized().paths, ["a", "b"]);
    /// ```
    pub fn normalized(&self) -> FieldMask {
        let mut paths = self.paths.clone();
        paths.sort();
        paths.dedup();
        // After sorting, a path's covering prefix (if any) is the last kept path.
        let mut kept: Vec<String> = Vec::with_capacity(paths.len());
        for path in paths {
            if kept.last().is_some_and(|last| covers(last, &path)) {
                continue;
            }
            kept.push(path);
        }
        FieldMask::new(kept)
    }

    /// The paths in either mask, normalised.
    pub fn union(&self, other: &FieldMask) -> FieldMask {
        FieldMask::new(self.paths.iter().chain(&other.paths).cloned()).normalized()
    }

    /// The paths covered by both masks, normalised.
    ///
    /// # Examples
    ///
    /// ```
    /// use protoforge::wkt::FieldMask;
    /// let a = FieldMask::new(["a", "b.c"]);
    /// let b = FieldMask::new(["a.x", "b"]);
    /// assert_eq!(a.intersection(&b).paths, ["a.x", "b.c"]);
    /// ```
    pub fn intersection(&self, other: &FieldMask) -> FieldMask {
        let from_self = self.paths.iter().filter(|p| other.contains(p));
        let from_other = other.paths.iter().filter(|p| self.contains(p));
        FieldMask::new(from_self.chain(from_other).cloned()).normalized()
    }
}

/// Whether `mask_path` covers `path`: equal, or a prefix ending at a `.` boundary.
fn covers(mask_path: &str, path: &str) -> bool {
    path.strip_prefix(mask_path)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}
