namespace Cremi.Hdf5;

/// <summary>How the volumes are laid out in a file.</summary>
public enum CremiLayoutKind
{
    /// <summary>The CREMI challenge layout: `volumes/raw`, `volumes/labels/clefts`, `volumes/predictions/clefts`.</summary>
    Cremi,

    /// <summary>
    /// The mask written by the Python tool we replace (`segmentation_mask.hdf`): one root dataset `data`, uint8 0/1,
    /// no attributes. Read as clefts: 1 is cleft id 1, 0 is background.
    /// </summary>
    PythonToolMask,
}
