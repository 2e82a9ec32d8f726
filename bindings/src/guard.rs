//! Panic containment: no panic may unwind into Kotlin or Swift.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::TouchmarkError;

fn panic_detail(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic".to_owned()
    }
}

/// Runs `f`, turning a panic into [`TouchmarkError::Internal`].
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, TouchmarkError>) -> Result<T, TouchmarkError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        Err(TouchmarkError::Internal {
            detail: panic_detail(payload.as_ref()),
        })
    })
}

/// A future that turns a panic while polling into [`TouchmarkError::Internal`].
pub(crate) struct Guarded<F>(pub(crate) Pin<Box<F>>);

impl<T, F> Future for Guarded<F>
where
    F: Future<Output = Result<T, TouchmarkError>>,
{
    type Output = Result<T, TouchmarkError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => Poll::Ready(Err(TouchmarkError::Internal {
                detail: panic_detail(payload.as_ref()),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let result: Result<(), _> = guard(|| panic!("boom"));
        assert_eq!(
            result,
            Err(TouchmarkError::Internal {
                detail: "boom".into()
            })
        );
    }
}
