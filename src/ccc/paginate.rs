//! One pager for the list actions: ask page after page until a short page or the total.

use std::future::Future;

use super::actions::{
    Action, DescribeNumbers, DescribeNumbersResponse, DescribeTelCdr, DescribeTelCdrResponse,
    NumberInfo, TelCdrInfo,
};
use super::{ApiError, Reply};

/// A list action: its request asks for one page, its answer holds the page and the total.
pub trait Paged: Action + Sized {
    type Item;
    /// The same request for page `page` (from 0) of `size` items.
    fn page(&self, page: u64, size: u64) -> Self;
    /// The items of a page and the total the service counts, when it says.
    fn items(answer: Self::Response) -> (Vec<Self::Item>, Option<u64>);
}

/// Every item of `request`'s list, `size` a page and at most `max_pages` pages, each page
/// asked through `send` (so the caller's request budget applies).
pub async fn all_pages<A, F, Fut>(
    request: &A,
    size: u64,
    max_pages: u64,
    mut send: F,
) -> Result<Vec<A::Item>, ApiError>
where
    A: Paged,
    F: FnMut(A) -> Fut,
    Fut: Future<Output = Result<Reply<A::Response>, ApiError>>,
{
    let mut items = Vec::new();
    for page in 0..max_pages {
        let (got, total) = A::items(send(request.page(page, size)).await?.data);
        let short = (got.len() as u64) < size;
        items.extend(got);
        if short || items.len() as u64 >= total.unwrap_or(0) {
            break;
        }
    }
    Ok(items)
}

impl Paged for DescribeTelCdr {
    type Item = TelCdrInfo;

    fn page(&self, page: u64, size: u64) -> Self {
        DescribeTelCdr {
            page_number: page as i64,
            page_size: size as i64,
            ..self.clone()
        }
    }

    fn items(answer: DescribeTelCdrResponse) -> (Vec<TelCdrInfo>, Option<u64>) {
        let total = answer.total_count.map(|t| t.max(0) as u64);
        (answer.tel_cdr_list, total)
    }
}

impl Paged for DescribeNumbers {
    type Item = NumberInfo;

    fn page(&self, page: u64, size: u64) -> Self {
        DescribeNumbers {
            page_number: Some(page),
            page_size: Some(size),
            ..self.clone()
        }
    }

    fn items(answer: DescribeNumbersResponse) -> (Vec<NumberInfo>, Option<u64>) {
        (answer.numbers, answer.total_count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(page: u64, size: u64, total: u64) -> Reply<DescribeNumbersResponse> {
        let first = page * size;
        let numbers = (first..total.min(first + size))
            .map(|n| NumberInfo {
                number: n.to_string(),
                ..Default::default()
            })
            .collect();
        Reply {
            request_id: String::new(),
            data: DescribeNumbersResponse {
                total_count: Some(total),
                numbers,
            },
            raw: String::new(),
        }
    }

    #[tokio::test]
    async fn pages_until_the_total_or_a_short_page_within_the_limit() {
        let request = DescribeNumbers::default();
        for (total, max_pages, want, asked) in [
            (250, 10, 250, 3),
            (200, 10, 200, 2),
            (0, 10, 0, 1),
            (999, 2, 200, 2),
        ] {
            let mut pages = Vec::new();
            let got = all_pages(&request, 100, max_pages, |r: DescribeNumbers| {
                pages.push(r.page_number.unwrap());
                std::future::ready(Ok(reply(r.page_number.unwrap(), 100, total)))
            })
            .await
            .unwrap();
            assert_eq!(got.len(), want, "{total}");
            assert_eq!(pages, (0..asked).collect::<Vec<_>>(), "{total}");
        }
    }
}
