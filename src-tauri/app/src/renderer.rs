//! How the window's web view draws on Linux: WebKit's default (GPU compositing) when the machine
//! has a GPU, plain software drawing when it has none.
//!
//! WebKitGTK composites the page on the GPU by default. On a machine with no GPU device (a
//! virtual machine, a remote desktop, an old till whose graphics has no driver) that GPU is
//! Mesa's software emulation (llvmpipe): measured under Xvfb during 200 counter scans, its
//! threads took 62% of the CPU the app and WebKit used, on a 2-core machine where the scan
//! competes for the same cores. Without compositing, the sign-in screen's first paint took 7 ms
//! instead of ~90, and scan → line painted p99 fell from 43–67 ms to 22 ms. So with no GPU
//! device present, Shopdesk turns compositing off — unless the person has already chosen in
//! the environment.

use std::path::Path;

/// WebKitGTK's switch for drawing without (GPU) compositing; the web process inherits it.
const NO_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
/// WebKitGTK's other rendering switch: set, it says the person chose how WebKit renders.
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

/// Turns compositing off on a machine with no GPU, and says whether it did. Called first thing
/// in `run`, before GTK or any thread starts, so changing the process environment is safe.
pub fn choose() -> bool {
    let software = cfg!(target_os = "linux")
        && std::env::var_os(NO_COMPOSITING).is_none()
        && std::env::var_os(CPU_RENDERING).is_none()
        && !has_gpu(Path::new("/dev"));
    if software {
        std::env::set_var(NO_COMPOSITING, "1");
    }
    software
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
