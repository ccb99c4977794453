namespace Cremi.Core.Postprocessing;

/// <summary>
/// Which voxels touch in 3D, as scipy's <c>generate_binary_structure(3, rank)</c>: the value is the number of
/// neighbours (rank 1, 2, 3).
/// </summary>
public enum Connectivity
{
    /// <summary>Shared faces only (6 neighbours).</summary>
    Faces = 6,

    /// <summary>Shared faces or edges (18 neighbours).</summary>
    Edges = 18,

    /// <summary>Any shared corner (26 neighbours), the usual choice for clefts: thin oblique sheets stay one piece.</summary>
    Corners = 26,
}
