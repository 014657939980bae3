//! How the window's web view draws on Linux: on the GPU when the machine has one, on the CPU
//! when it has none.
//!
//! WebKitGTK rasterises on the GPU by default. On a machine with no GPU device (a virtual
//! machine, a remote desktop, an old till whose graphics has no driver) that GPU is Mesa's
//! software emulation, and every frame goes through an emulated GL pipeline: measured under
//! Xvfb, the sign-in screen's first paint took ~90 ms that way and ~20 ms with WebKit's own CPU
//! rasteriser. So with no GPU device present, Shopdesk asks WebKit for CPU rendering — unless the
//! person has already chosen either way in the environment.
//!
//! Turning compositing off altogether (`WEBKIT_DISABLE_COMPOSITING_MODE`) was faster still (first
//! paint 7 ms; Mesa's threads had 62% of the CPU during a run of scans) but not kept: under it,
//! WebDriver's clicks and screenshots on some screens waited up to a minute for a frame, until
//! the top bar's clock changed — a window that may not repaint is not shipped to a till.

use std::path::Path;

/// WebKitGTK's switch for its CPU rasteriser (read by the web process, which inherits it).
const CPU_RENDERING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Whether `dev` (normally `/dev`) has a GPU a web view could render on: a DRM render node
/// (Mesa's drivers, and NVIDIA's with its DRM module), or NVIDIA's own device file.
fn has_gpu(dev: &Path) -> bool {
    let render_node = std::fs::read_dir(dev.join("dri"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false);
    render_node || dev.join("nvidia0").exists()
}

/// Chooses CPU rendering on a machine with no GPU, and says whether it did. Called first thing
/// in `run`, before GTK or any thread starts, so changing the process environment is safe.
pub fn choose() -> bool {
    let cpu = cfg!(target_os = "linux")
        && std::env::var_os(CPU_RENDERING).is_none()
        && !has_gpu(Path::new("/dev"));
    if cpu {
        std::env::set_var(CPU_RENDERING, "1");
    }
    cpu
}

#[cfg(test)]
mod tests {
    use super::has_gpu;

    #[test]
    fn a_render_node_or_an_nvidia_device_is_a_gpu_and_nothing_else_is() {
        let dev = tempfile::tempdir().unwrap();
        assert!(!has_gpu(dev.path()), "no dri folder at all");
        std::fs::create_dir(dev.path().join("dri")).unwrap();
        std::fs::write(dev.path().join("dri/card0"), "").unwrap();
        assert!(
            !has_gpu(dev.path()),
            "a display card with no render node does not render"
        );
        std::fs::write(dev.path().join("dri/renderD128"), "").unwrap();
        assert!(has_gpu(dev.path()));

        let nvidia = tempfile::tempdir().unwrap();
        std::fs::write(nvidia.path().join("nvidia0"), "").unwrap();
        assert!(has_gpu(nvidia.path()));
    }
}
