//! The browser's interface: plain numeric exports, no allocator and no bindings generator,
//! so the module stays a few kilobytes. Strings are read from the module's memory by
//! pointer and length. A model index past the presets means "custom": `params` then gives
//! its parameter count. Sizes are bytes as `f64` (exact below 2^53). Bad indexes give NaN.

use crate::memory::{self, CACHE_TYPES, DEVICES, Run};
use crate::{Architecture, FORMATS, Format, PRESETS};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

fn arch(model: u32, params: f64) -> Option<Architecture> {
    match PRESETS.get(model as usize) {
        Some(p) => Some(p.arch),
        None if params.is_finite() && (1e6..=1e13).contains(&params) => {
            Some(Architecture::from_params(params as u64))
        }
        None => None,
    }
}

fn format(index: u32) -> Option<Format> {
    FORMATS.get(index as usize).copied()
}

fn run(context: f64, batch: f64, cache: u32) -> Option<Run> {
    let ok = |x: f64, max: f64| x.is_finite() && (1.0..=max).contains(&x);
    (ok(context, 1e7) && ok(batch, 1024.0)).then_some(())?;
    Some(Run {
        context: context as u64,
        batch: batch as u64,
        cache: *CACHE_TYPES.get(cache as usize)?,
    })
}

fn or_nan(x: Option<u64>) -> f64 {
    x.map_or(f64::NAN, |b| b as f64)
}

/// Exports a list's length and, for each text of an item, a pointer/length pair, e.g.
/// `model_id(i)` and `model_id_len(i)`. Texts are static, so the pointers stay valid.
macro_rules! export_list {
    ($count:ident = $len:expr; $($ptr:ident, $ptr_len:ident => $text:expr;)*) => {
        #[unsafe(no_mangle)]
        pub extern "C" fn $count() -> u32 {
            $len as u32
        }
        $(
            #[unsafe(no_mangle)]
            pub extern "C" fn $ptr(i: u32) -> *const u8 {
                let text: fn(usize) -> Option<&'static str> = $text;
                text(i as usize).map_or(core::ptr::null(), str::as_ptr)
            }

            #[unsafe(no_mangle)]
            pub extern "C" fn $ptr_len(i: u32) -> u32 {
                let text: fn(usize) -> Option<&'static str> = $text;
                text(i as usize).map_or(0, |t| t.len() as u32)
            }
        )*
    };
}

export_list! {
    model_count = PRESETS.len();
    model_id, model_id_len => |i| PRESETS.get(i).map(|p| p.id);
    model_name, model_name_len => |i| PRESETS.get(i).map(|p| p.name);
}

export_list! {
    format_count = FORMATS.len();
    format_id, format_id_len => |i| FORMATS.get(i).map(|f| f.id());
    format_label, format_label_len => |i| FORMATS.get(i).map(|f| f.label());
}

export_list! {
    cache_count = CACHE_TYPES.len();
    cache_id, cache_id_len => |i| CACHE_TYPES.get(i).map(|c| c.id());
}

export_list! {
    device_count = DEVICES.len();
    device_name, device_name_len => |i| DEVICES.get(i).map(|d| d.name);
}

#[unsafe(no_mangle)]
pub extern "C" fn device_usable(i: u32) -> f64 {
    or_nan(DEVICES.get(i as usize).map(|d| d.usable()))
}

#[unsafe(no_mangle)]
pub extern "C" fn file_bytes(model: u32, params: f64, format_index: u32) -> f64 {
    or_nan((|| {
        Some(crate::file_size(&arch(model, params)?, format(format_index)?).file_bytes())
    })())
}

#[unsafe(no_mangle)]
pub extern "C" fn weights_bytes(model: u32, params: f64, format_index: u32) -> f64 {
    or_nan((|| {
        Some(crate::file_size(&arch(model, params)?, format(format_index)?).tensor_bytes)
    })())
}

#[unsafe(no_mangle)]
pub extern "C" fn bits_per_weight(model: u32, params: f64, format_index: u32) -> f64 {
    (|| Some(crate::file_size(&arch(model, params)?, format(format_index)?).bits_per_weight()))()
        .unwrap_or(f64::NAN)
}

/// A memory figure for a model run with a context, a batch and a cache type.
fn per_run(
    model: u32,
    params: f64,
    context: f64,
    batch: f64,
    cache: u32,
    figure: fn(&Architecture, &Run) -> u64,
) -> f64 {
    or_nan((|| {
        Some(figure(&arch(model, params)?, &run(context, batch, cache)?))
    })())
}

#[unsafe(no_mangle)]
pub extern "C" fn kv_cache_bytes(
    model: u32,
    params: f64,
    context: f64,
    batch: f64,
    cache: u32,
) -> f64 {
    per_run(model, params, context, batch, cache, memory::kv_cache_bytes)
}

#[unsafe(no_mangle)]
pub extern "C" fn compute_bytes(
    model: u32,
    params: f64,
    context: f64,
    batch: f64,
    cache: u32,
) -> f64 {
    per_run(model, params, context, batch, cache, memory::compute_bytes)
}

#[unsafe(no_mangle)]
pub extern "C" fn layer_count(model: u32, params: f64) -> f64 {
    or_nan(arch(model, params).map(|a| a.layers))
}

/// Layers a device of `usable` bytes holds, the rest offloaded to system RAM.
#[unsafe(no_mangle)]
pub extern "C" fn gpu_layers(
    model: u32,
    params: f64,
    format_index: u32,
    context: f64,
    batch: f64,
    cache: u32,
    usable: f64,
) -> f64 {
    or_nan((|| {
        let a = arch(model, params)?;
        let m = crate::memory(&a, format(format_index)?, &run(context, batch, cache)?);
        Some(m.gpu_layers(&a, usable.max(0.0) as u64))
    })())
}

#[unsafe(no_mangle)]
pub extern "C" fn bytes_per_token(model: u32, params: f64, format_index: u32) -> f64 {
    or_nan((|| {
        Some(crate::bytes_per_token(
            &arch(model, params)?,
            format(format_index)?,
        ))
    })())
}
