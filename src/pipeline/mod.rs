//! The pipeline: one customer record through every stage, validate ->
//! personalize -> compose -> render, into a serializable [`Outcome`] that says
//! what each stage made or why it failed, and how long it took. The preview,
//! a batch run and an application that sends per event all go through it.
//!
//! ```
//! use vellum::{Design, Pipeline, PipelineOptions, model::Date};
//!
//! let design = Design::load("templates/bill")?;
//! let pipeline = Pipeline::new(&design, PipelineOptions::default().today(Date::parse("2026-11-02").unwrap()))?;
//! let record: serde_json::Value =
//!     serde_json::from_str(&std::fs::read_to_string("templates/bill/samples/C1001.json")?)?;
//! let outcome = pipeline.run(&record);
//! assert!(outcome.is_ok(), "{:?}", outcome.failures().collect::<Vec<_>>());
//! println!("{}", outcome.document.as_ref().unwrap().decisions); // why this customer gets what they get
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod communication;
mod outcome;

use std::time::Instant;

use serde_json::Value;

pub use self::outcome::{Failure, Outcome, Rendering, Stage, Timings};
use crate::compose::compose_decided;
use crate::design::Design;
use crate::error::Result;
use crate::model::{Channel, Document, Standing};
#[cfg(feature = "print")]
use crate::render::PrintEngine;
use crate::render::{self, EmailOptions, PdfOptions};
use crate::{ComposeOptions, personalize};

/// Which channels [`Pipeline::run`] renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Channels {
    /// The channels of the customer's plan (what would be sent). The default.
    #[default]
    Plan,
    /// Every channel of the design, whatever the plan says (previews, proofs).
    Design,
}

/// Options for a [`Pipeline`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PipelineOptions {
    /// Options of decide and compose (the document date).
    pub compose: ComposeOptions,
    /// Options of the email renderer.
    pub email: EmailOptions,
    /// Options of the PDF renderer.
    pub pdf: PdfOptions,
    /// Which channels to render.
    pub channels: Channels,
}

impl PipelineOptions {
    /// Pins the document date.
    pub fn today(mut self, today: crate::model::Date) -> PipelineOptions {
        self.compose.today = Some(today);
        self
    }

    /// Renders these channels.
    pub fn channels(mut self, channels: Channels) -> PipelineOptions {
        self.channels = channels;
        self
    }

    /// Serves email images from `base` instead of the brand's URL.
    pub fn asset_base_url(mut self, base: impl Into<String>) -> PipelineOptions {
        self.email.asset_base_url = Some(base.into());
        self
    }

    /// Also renders the first PDF page as a PNG at `dpi`.
    pub fn png_dpi(mut self, dpi: f32) -> PipelineOptions {
        self.pdf.png_dpi = Some(dpi);
        self
    }
}

// A batch shares one Pipeline between its render workers.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Pipeline<'static>>();
};

/// One design made ready for every stage: the design, its print engine
/// (when the design prints and the `print` feature is on) and the options.
/// `Send + Sync`: share one pipeline between the threads of a batch.
#[derive(Debug)]
pub struct Pipeline<'d> {
    design: &'d Design,
    #[cfg(feature = "print")]
    print: Option<PrintEngine>,
    options: PipelineOptions,
}

impl<'d> Pipeline<'d> {
    /// Prepares `design` for rendering: loads its print engine when it prints.
    pub fn new(design: &'d Design, options: PipelineOptions) -> Result<Pipeline<'d>> {
        #[cfg(feature = "print")]
        let print = if design.manifest().channels.contains(&Channel::Print) {
            Some(PrintEngine::new(design)?)
        } else {
            None
        };
        Ok(Pipeline {
            design,
            #[cfg(feature = "print")]
            print,
            options,
        })
    }

    /// The design.
    pub fn design(&self) -> &'d Design {
        self.design
    }

    /// The options.
    pub fn options(&self) -> &PipelineOptions {
        &self.options
    }

    /// The print engine, when the design prints and the `print` feature is on.
    #[cfg(feature = "print")]
    pub fn print_engine(&self) -> Option<&PrintEngine> {
        self.print.as_ref()
    }

    /// Runs one record through every stage. Never fails as a whole: a stage
    /// that fails is recorded in the outcome, and the channels that could
    /// still be rendered are.
    pub fn run(&self, record: &Value) -> Outcome {
        self.run_with(record, &Standing::none())
    }

    /// [`Pipeline::run`] for a customer with standing preferences (what came
    /// back from earlier communications, as [`crate::deliver::Ledger::standing`]
    /// has them), merged over the record's own fields.
    pub fn run_with(&self, record: &Value, standing: &Standing) -> Outcome {
        let start = Instant::now();
        let mut outcome = Outcome::new(self.design.record_id(record));
        let doc = match self.stages(record, standing, &mut outcome.timings) {
            Ok(doc) => doc,
            Err(failure) => {
                outcome.failure = Some(failure);
                outcome.timings.total_us = micros(start);
                return outcome;
            }
        };
        let channels: Vec<Channel> = match self.options.channels {
            Channels::Plan => doc.plan.clone(),
            Channels::Design => self.design.manifest().channels.clone(),
        };
        for channel in channels {
            let t = Instant::now();
            let rendering = self.render(&doc, channel);
            outcome.timings.render_us.push((channel, micros(t)));
            outcome.channels.push(rendering);
        }
        outcome.document = Some(doc);
        outcome.timings.total_us = micros(start);
        outcome
    }

    /// Validates, decides and composes one record: its Document, or the
    /// stage that failed and why.
    pub fn document(&self, record: &Value) -> std::result::Result<Document, Failure> {
        self.document_with(record, &Standing::none())
    }

    /// [`Pipeline::document`] for a customer with standing preferences.
    pub fn document_with(
        &self,
        record: &Value,
        standing: &Standing,
    ) -> std::result::Result<Document, Failure> {
        self.stages(record, standing, &mut Timings::default())
    }

    fn stages(
        &self,
        record: &Value,
        standing: &Standing,
        timings: &mut Timings,
    ) -> std::result::Result<Document, Failure> {
        let t = Instant::now();
        let mut prepared = personalize::prepare(self.design, record, &self.options.compose)
            .map_err(|e| Failure::new(Stage::Validate, None, &e))?;
        prepared.standing = standing.clone();
        let (decided, decisions) = personalize::decide_prepared(self.design, &prepared)
            .map_err(|e| Failure::new(Stage::Personalize, None, &e))?;
        timings.decide_us = micros(t);
        let t = Instant::now();
        let doc = compose_decided(self.design, &prepared, &decided, decisions, &[])
            .map_err(|e| Failure::new(Stage::Compose, None, &e))?;
        timings.compose_us = micros(t);
        Ok(doc)
    }

    /// Renders one channel of a composed document.
    pub fn render(&self, doc: &Document, channel: Channel) -> Rendering {
        let result = match channel {
            Channel::Email => {
                render::email_with(self.design, doc, &self.options.email).map(Rendering::Email)
            }
            Channel::Sms => render::sms(self.design, doc).map(Rendering::Sms),
            Channel::Print => self.pdf(doc, &self.options.pdf).map(Rendering::Pdf),
        };
        result.unwrap_or_else(|e| Rendering::Failed(Failure::new(Stage::Render, Some(channel), &e)))
    }

    /// The print PDF of a composed document: Factur-X (PDF/A-3b with the
    /// invoice XML) when the design's `invoice.toml` says `embed = true`.
    pub fn pdf(&self, doc: &Document, options: &PdfOptions) -> Result<render::Pdf> {
        #[cfg(feature = "factur-x")]
        if let Some(engine) = &self.print
            && render::embeds_factur_x(self.design)
        {
            let xml = render::factur_x_xml(self.design, doc)?;
            return engine.render_factur_x(doc, &xml, options);
        }
        #[cfg(feature = "print")]
        if let Some(engine) = &self.print {
            return engine.render_with(doc, options);
        }
        let _ = options;
        Err(no_print(&doc.record))
    }

    /// Typesets the letters of `docs` (all on one paper) in one compile, as
    /// one PDF; see [`PrintEngine::render_chunk`].
    pub fn print_chunk(&self, docs: &[&Document], duplex: bool) -> Result<render::PrintChunk> {
        #[cfg(feature = "print")]
        if let Some(engine) = &self.print {
            return engine.render_chunk(docs, duplex);
        }
        let _ = duplex;
        Err(no_print(docs.first().map_or("", |d| d.record.as_str())))
    }
}

fn no_print(record: &str) -> crate::Error {
    crate::Error::render(
        record,
        Channel::Print,
        if cfg!(feature = "print") {
            "the design does not print"
        } else {
            "vellum was built without the `print` feature"
        },
    )
}

fn micros(since: Instant) -> u64 {
    since.elapsed().as_micros() as u64
}
