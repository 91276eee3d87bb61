//! # atelier-providers
//!
//! HTTP clients for the two hosted Midjourney proxies Atelier drives, LinkrAPI
//! ([`LinkrClient`]) and JourneyAPI ([`JourneyClient`]), behind one task model
//! ([`Task`]), one button model ([`Action`]) and one error type ([`ProviderError`]);
//! [`ProviderClient`] puts either behind one API. No Tauri, no disk.
//!
//! Every client call checks its input first (nothing is sent on bad input), uses a
//! request timeout, caps the response body and never panics on what comes back.
//!
//! Modules: [`model`] (types), [`models`] (the models each provider runs), [`error`],
//! [`validate`] (input checks), [`inputs`] (button inputs and creation modes), [`status`]
//! (status words), [`action`] (buttons), [`parse`] (tolerant JSON readers),
//! [`linkr`], [`journey`], [`client`], [`redact`] (keeps keys out of logs); HTTP plumbing is
//! shared in a private `http` module.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod action;
pub mod client;
pub mod error;
mod http;
pub mod inputs;
pub mod journey;
pub mod linkr;
pub mod model;
pub mod models;
pub mod parse;
/// Log redaction: [`redact::redact`] blanks out `Authorization` values and key-shaped tokens,
/// and [`redact::RedactingWriter`] applies it to everything written through it.
pub mod redact;
pub mod rules;
pub mod status;
pub mod validate;

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod journey_body_tests;

pub use action::JourneyAction;
pub use client::ProviderClient;
pub use error::{ProviderError, Result};
pub use http::{DEFAULT_TIMEOUT, MAX_BODY_BYTES};
pub use journey::JourneyClient;
pub use linkr::LinkrClient;
pub use model::*;
pub use models::{available_models, model_group, model_info, model_name};
pub use redact::{redact, RedactingWriter};
pub use rules::Rules;
/// The key type the clients take, re-exported so callers need no `secrecy` dependency.
pub use secrecy::SecretString;
