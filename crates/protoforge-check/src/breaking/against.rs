//! The previous side of `buf breaking --against`: an image file (`buf build -o` or a
//! protoc-style descriptor set), a directory, or a git ref of the current repository.

use std::path::{Path, PathBuf};
use std::process::Command;

use protoforge::descriptor::FileDescriptorSet;
use protoforge::{Message, UnknownValue};

use super::features::varint_field;
use crate::config::{BufConfig, ModuleConfig, load_workspace_dirs};
use crate::finding::in_module;
use crate::image::{Image, ImageError};

/// Field number of buf's `ImageFileExtension` on each file of an image.
const IMAGE_FILE_EXTENSION: u32 = 8042;

/// What `--against` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Against {
    /// An encoded image or `FileDescriptorSet` (`.binpb`, `.bin`, `.pb`...).
    ImageFile(PathBuf),
    /// A directory of `.proto` files.
    Dir(PathBuf),
    /// A git ref of the repository at `repo` (`.git#branch=main,subdir=proto`), and the
    /// directory inside the tree to use.
    Git {
        /// The repository (a directory holding `.git`, or `.git` itself).
        repo: PathBuf,
        /// Branch, tag, commit or other ref.
        reference: String,
        /// Directory inside the tree (`subdir=`), empty for the root.
        subdir: String,
    },
}

/// Reads an `--against` value: `PATH#branch=X`, `#tag=`, `#ref=`, `#commit=` with optional
/// `subdir=` name a git ref; a file is an image; anything else a directory.
pub fn parse(spec: &str) -> Result<Against, String> {
    if let Some((path, opts)) = spec.split_once('#') {
        let mut reference = None;
        let mut subdir = String::new();
        let mut format = None;
        for kv in opts.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| format!("invalid input option {kv:?} in {spec:?}"))?;
            match k {
                "branch" | "tag" | "ref" | "commit" => reference = Some(v.to_string()),
                "subdir" => subdir = v.trim_matches('/').to_string(),
                "format" => format = Some(v.to_string()),
                "depth" | "recurse_submodules" => {}
                _ => return Err(format!("unknown input option {k:?} in {spec:?}")),
            }
        }
        let path = if path.is_empty() { "." } else { path };
        match format.as_deref() {
            Some("binpb" | "bin") => return Ok(Against::ImageFile(PathBuf::from(path))),
            Some("dir") => return Ok(Against::Dir(PathBuf::from(path))),
            Some("git") | None => {}
            Some(f) => return Err(format!("unsupported input format {f:?}")),
        }
        let reference = reference.unwrap_or_else(|| "HEAD".to_string());
        return Ok(Against::Git {
            repo: PathBuf::from(path),
            reference,
            subdir,
        });
    }
    let p = PathBuf::from(spec);
    if spec.ends_with(".git") {
        return Ok(Against::Git {
            repo: p,
            reference: "HEAD".to_string(),
            subdir: String::new(),
        });
    }
    if p.is_file() {
        Ok(Against::ImageFile(p))
    } else {
        Ok(Against::Dir(p))
    }
}

/// Decodes an image file: a `FileDescriptorSet`, where buf's per-file extension marks the
/// imports (files without it are all checked).
pub fn read_image(bytes: &[u8]) -> Result<Image, String> {
    let set = FileDescriptorSet::decode(bytes).map_err(|e| format!("decode image: {e}"))?;
    let mut image = Image::default();
    for fd in set.file {
        let is_import = fd
            .unknown_fields
            .get(IMAGE_FILE_EXTENSION)
            .any(|v| match v {
                // `is_import`, field 1 of `ImageFileExtension`.
                UnknownValue::LengthDelimited(b) => varint_field(b, 1).is_some_and(|v| v != 0),
                _ => false,
            });
        image.is_target.push(!is_import);
        image.files.push(fd);
    }
    Ok(image)
}

/// Writes the tree of `reference` (only `subdir` when set) of the repository at `repo` into
/// `dest`, with the git command line; returns the directory holding the files.
pub fn export_git(
    repo: &Path,
    reference: &str,
    subdir: &str,
    dest: &Path,
) -> Result<PathBuf, String> {
    let repo_dir = if repo.file_name().is_some_and(|n| n == ".git") {
        repo.parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    } else {
        repo.to_path_buf()
    };
    let repo_dir = if repo_dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        repo_dir
    };
    std::fs::create_dir_all(dest).map_err(|e| format!("create {}: {e}", dest.display()))?;
    let mut args = vec![
        "archive".to_string(),
        "--format=tar".to_string(),
        reference.to_string(),
    ];
    if !subdir.is_empty() {
        args.push("--".to_string());
        args.push(subdir.to_string());
    }
    let archive = Command::new("git")
        .arg("-C")
        .arg(&repo_dir)
        .args(&args)
        .output()
        .map_err(|e| format!("run git: {e}"))?;
    if !archive.status.success() {
        return Err(format!(
            "git archive {reference}: {}",
            String::from_utf8_lossy(&archive.stderr).trim()
        ));
    }
    let tar = dest.join(".against.tar");
    std::fs::write(&tar, &archive.stdout).map_err(|e| format!("write {}: {e}", tar.display()))?;
    let untar = Command::new("tar")
        .arg("-xf")
        .arg(&tar)
        .arg("-C")
        .arg(dest)
        .output()
        .map_err(|e| format!("run tar: {e}"))?;
    let _ = std::fs::remove_file(&tar);
    if !untar.status.success() {
        return Err(format!(
            "tar: {}",
            String::from_utf8_lossy(&untar.stderr).trim()
        ));
    }
    Ok(if subdir.is_empty() {
        dest.to_path_buf()
    } else {
        dest.join(subdir)
    })
}

/// The configuration version and first module of a directory's `buf.yaml` (module root
/// relative to `dir`). Without one, buf checks the directory with the v1 rule set.
pub fn module_of(dir: &Path) -> Result<(String, ModuleConfig), String> {
    match BufConfig::load(dir)? {
        Some(c) => {
            let m = c
                .modules
                .into_iter()
                .next()
                .unwrap_or_else(ModuleConfig::default_v2);
            Ok((c.version, m))
        }
        None => Ok(("v1".to_string(), ModuleConfig::without_config())),
    }
}

/// Builds the image of the module in `dir` (as its `buf.yaml` describes it).
pub fn build_dir(dir: &Path) -> Result<Image, ImageError> {
    if !dir.is_dir() {
        return Err(ImageError::Other(format!(
            "{}: does not exist",
            dir.display()
        )));
    }
    let (_, module) = module_of(dir).map_err(ImageError::Other)?;
    Image::build_selected(
        &dir.join(&module.path),
        &module.includes,
        &module.excludes,
        &[],
    )
}

/// Loads the previous image `against` names; `scratch` is an empty directory git trees are
/// written to.
pub fn load(against: &Against, scratch: &Path) -> Result<Image, ImageError> {
    match against {
        Against::ImageFile(p) => {
            let bytes =
                std::fs::read(p).map_err(|e| ImageError::Other(format!("{}: {e}", p.display())))?;
            read_image(&bytes).map_err(ImageError::Other)
        }
        Against::Dir(p) => build_dir(p),
        Against::Git {
            repo,
            reference,
            subdir,
        } => {
            let dir = export_git(repo, reference, subdir, scratch).map_err(ImageError::Other)?;
            build_dir(&dir)
        }
    }
}

/// Every module of the workspace or module in `dir`, with its configuration version, module
/// paths relative to `dir`: v2 `modules:`, v1 `buf.work.yaml` directories (each with its own
/// `buf.yaml` or none), or `dir` itself.
pub fn workspace_modules(dir: &Path) -> Result<Vec<(String, ModuleConfig)>, String> {
    if let Some(c) = BufConfig::load(dir)? {
        let version = c.version.clone();
        let modules: Vec<(String, ModuleConfig)> = c
            .modules
            .into_iter()
            .map(|m| (version.clone(), m))
            .collect();
        if !modules.is_empty() {
            return Ok(modules);
        }
        return Ok(vec![(version, ModuleConfig::default_v2())]);
    }
    let Some(dirs) = load_workspace_dirs(dir)? else {
        return Ok(vec![("v1".to_string(), ModuleConfig::without_config())]);
    };
    let mut modules = Vec::new();
    for d in dirs {
        let (version, mut m) = module_of(&dir.join(&d))?;
        m.path = if m.path.as_os_str() == "." {
            d
        } else {
            d.join(&m.path)
        };
        modules.push((version, m));
    }
    Ok(modules)
}

/// Builds module `index` of `modules` (relative to `dir`), finding imports in the others.
/// Compile errors are located relative to `dir`.
pub fn build_module(
    dir: &Path,
    modules: &[(String, ModuleConfig)],
    index: usize,
) -> Result<Image, ImageError> {
    let (_, m) = &modules[index];
    let others: Vec<PathBuf> = modules
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .map(|(_, (_, o))| dir.join(&o.path))
        .collect();
    Image::build_selected(&dir.join(&m.path), &m.includes, &m.excludes, &others).map_err(
        |e| match e {
            ImageError::Compile(list) => ImageError::Compile(in_module(list, &m.path)),
            e => e,
        },
    )
}

/// The previous images `against` names, one per module of its workspace (one for an image
/// file); `scratch` is an empty directory git trees are written to.
pub fn load_all(against: &Against, scratch: &Path) -> Result<Vec<Image>, ImageError> {
    Ok(load_modules(against, scratch, None)?
        .into_iter()
        .map(|(_, image)| image)
        .collect())
}

/// [`load_all`] with each image's module directory (relative to the against input's root;
/// `None` for an image file), the modules taken from `config` (`--against-config`) when
/// given instead of the against input's own `buf.yaml`.
pub fn load_modules(
    against: &Against,
    scratch: &Path,
    config: Option<&[(String, ModuleConfig)]>,
) -> Result<Vec<(Option<PathBuf>, Image)>, ImageError> {
    let dir = match against {
        Against::ImageFile(_) => return Ok(vec![(None, load(against, scratch)?)]),
        Against::Dir(p) => p.clone(),
        Against::Git {
            repo,
            reference,
            subdir,
        } => export_git(repo, reference, subdir, scratch).map_err(ImageError::Other)?,
    };
    if !dir.is_dir() {
        return Err(ImageError::Other(format!(
            "{}: does not exist",
            dir.display()
        )));
    }
    let modules = match config {
        Some(m) => m.to_vec(),
        None => workspace_modules(&dir).map_err(ImageError::Other)?,
    };
    (0..modules.len())
        .map(|i| {
            Ok((
                Some(modules[i].1.path.clone()),
                build_module(&dir, &modules, i)?,
            ))
        })
        .collect()
}
