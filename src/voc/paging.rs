//! Pages of a long list (the verbatims of one account): which page is shown, how
//! many there are, and what to skip. Pure, so the edge cases are tested here.

/// Verbatims per page of `/accounts/{id}/voc`.
pub const PER_PAGE: i64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pager {
    /// The page shown, from 1; always within 1..=pages.
    pub page: i64,
    /// At least 1 (an empty list is one empty page).
    pub pages: i64,
    pub total: i64,
    pub per_page: i64,
}

impl Pager {
    /// The page asked for in the URL (anything unreadable is page 1; past the
    /// end is the last page), for `total` items.
    pub fn new(asked: &str, total: i64, per_page: i64) -> Self {
        let per_page = per_page.max(1);
        let total = total.max(0);
        let pages = ((total + per_page - 1) / per_page).max(1);
        let page = asked.trim().parse::<i64>().unwrap_or(1).clamp(1, pages);
        Self {
            page,
            pages,
            total,
            per_page,
        }
    }

    /// Items to skip before this page.
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    pub fn prev(&self) -> Option<i64> {
        (self.page > 1).then(|| self.page - 1)
    }

    pub fn next(&self) -> Option<i64> {
        (self.page < self.pages).then(|| self.page + 1)
    }

    /// Position of the first and last item shown (1-based), `None` when empty.
    pub fn range(&self) -> Option<(i64, i64)> {
        (self.total > 0).then(|| {
            let first = self.offset() + 1;
            (first, (first + self.per_page - 1).min(self.total))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_item_once() {
        let p = Pager::new("", 41, 20);
        assert_eq!((p.page, p.pages, p.offset()), (1, 3, 0));
        assert_eq!(p.range(), Some((1, 20)));
        assert_eq!((p.prev(), p.next()), (None, Some(2)));
        let last = Pager::new("3", 41, 20);
        assert_eq!((last.offset(), last.range()), (40, Some((41, 41))));
        assert_eq!((last.prev(), last.next()), (Some(2), None));
    }

    #[test]
    fn odd_requests_land_on_a_real_page() {
        assert_eq!(Pager::new("0", 41, 20).page, 1);
        assert_eq!(Pager::new("-4", 41, 20).page, 1);
        assert_eq!(Pager::new("abc", 41, 20).page, 1);
        assert_eq!(Pager::new("99", 41, 20).page, 3);
        let empty = Pager::new("2", 0, 20);
        assert_eq!((empty.page, empty.pages, empty.range()), (1, 1, None));
        assert_eq!(Pager::new("2", 40, 20).pages, 2);
    }
}
