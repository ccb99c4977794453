using System.Runtime.InteropServices;
using Cremi.Core.Volumes;

namespace Cremi.Core.Postprocessing;

/// <summary>
/// Connected components of a 3D mask, held as runs (maximal stretches of foreground along x) joined by union-find.
/// </summary>
/// <remarks>
/// Runs instead of voxels keep the union-find small (clefts are a few percent of a volume and come in runs), and need
/// no per-voxel label array unless the caller asks for one. Two runs touch when their rows are neighbours under the
/// connectivity and their x-ranges overlap (faces) or overlap once widened by one voxel (edges and corners). Each
/// union keeps the smaller run index as the root, so a component's root is its first run in C scan order and the
/// numbering is deterministic: component k is the k-th one met scanning z, y, x.
/// </remarks>
internal sealed class RunComponents
{
    private RunComponents(Shape3 shape, int[] rowStart, int[] start, int[] end, int[] component, int count)
    {
        Shape = shape;
        RowStart = rowStart;
        Start = start;
        End = end;
        Component = component;
        Count = count;
    }

    public Shape3 Shape { get; }

    /// <summary>Runs of row r = z·Y + y are RowStart[r] .. RowStart[r+1]−1, in increasing x.</summary>
    public int[] RowStart { get; }

    /// <summary>First x of each run.</summary>
    public int[] Start { get; }

    /// <summary>One past the last x of each run.</summary>
    public int[] End { get; }

    /// <summary>Component of each run, 0-based in scan order.</summary>
    public int[] Component { get; }

    /// <summary>Number of components.</summary>
    public int Count { get; }

    public int RunCount => Start.Length;

    public static RunComponents Find<TForeground>(TForeground foreground, Shape3 shape, Connectivity connectivity)
        where TForeground : struct, IForeground
    {
        if (shape.IsEmpty) throw new ArgumentException($"shape {shape} is empty", nameof(shape));
        var neighbours = NeighbourRows(connectivity);
        var (rowStart, start, end) = ExtractRuns(foreground, shape);
        var parent = new int[start.Length];
        for (var i = 0; i < parent.Length; i++) parent[i] = i;

        for (var z = 0; z < shape.Z; z++)
        for (var y = 0; y < shape.Y; y++)
        {
            var row = z * shape.Y + y;
            if (rowStart[row] == rowStart[row + 1]) continue;
            foreach (var (dz, dy, widen) in neighbours)
            {
                int nz = z + dz, ny = y + dy;
                if (nz < 0 || ny < 0 || ny >= shape.Y) continue;
                var other = nz * shape.Y + ny;
                JoinOverlapping(rowStart[row], rowStart[row + 1], rowStart[other], rowStart[other + 1], widen, start, end, parent);
            }
        }

        // Every parent precedes its child (unions hang the later root under the earlier one, halving only shortens
        // paths), so a forward pass can overwrite parents with component numbers in place: component[p] for p < r
        // is already final when run r reads it.
        var component = parent;
        var count = 0;
        for (var r = 0; r < component.Length; r++)
        {
            var p = parent[r];
            component[r] = p == r ? count++ : component[p];
        }
        return new RunComponents(shape, rowStart, start, end, component, count);
    }

    /// <summary>Voxels per component.</summary>
    public long[] Sizes()
    {
        var sizes = new long[Count];
        for (var r = 0; r < RunCount; r++) sizes[Component[r]] += End[r] - Start[r];
        return sizes;
    }

    /// <summary>Flat index of the first voxel of run r of row <paramref name="row"/>.</summary>
    public long Offset(int row, int run) => (long)row * Shape.X + Start[run];

    /// <summary>Rows (dz, dy) earlier in scan order that can touch a row, and whether x-ranges are widened by one.</summary>
    private static (int Dz, int Dy, int Widen)[] NeighbourRows(Connectivity connectivity) => connectivity switch
    {
        Connectivity.Faces => [(0, -1, 0), (-1, 0, 0)],
        Connectivity.Edges => [(0, -1, 1), (-1, 0, 1), (-1, -1, 0), (-1, 1, 0)],
        Connectivity.Corners => [(0, -1, 1), (-1, -1, 1), (-1, 0, 1), (-1, 1, 1)],
        _ => throw new ArgumentOutOfRangeException(nameof(connectivity), connectivity, "connectivity must be 6, 18 or 26"),
    };

    private static (int[] RowStart, int[] Start, int[] End) ExtractRuns<TForeground>(TForeground foreground, Shape3 shape)
        where TForeground : struct, IForeground
    {
        var rows = shape.Z * shape.Y;
        var rowStart = new int[rows + 1];
        var starts = new List<int>();
        var ends = new List<int>();
        for (var row = 0; row < rows; row++)
        {
            rowStart[row] = starts.Count;
            var offset = (long)row * shape.X;
            var x = 0;
            while (x < shape.X)
            {
                while (x < shape.X && !foreground.Contains(offset + x)) x++;
                if (x == shape.X) break;
                starts.Add(x);
                while (x < shape.X && foreground.Contains(offset + x)) x++;
                ends.Add(x);
            }
        }
        rowStart[rows] = starts.Count;
        return (rowStart, [.. CollectionsMarshal.AsSpan(starts)], [.. CollectionsMarshal.AsSpan(ends)]);
    }

    /// <summary>Unites runs a..aEnd of one row with runs b..bEnd of a neighbouring row where they touch (a merge walk).</summary>
    private static void JoinOverlapping(int a, int aEnd, int b, int bEnd, int widen, int[] start, int[] end, int[] parent)
    {
        while (a < aEnd && b < bEnd)
        {
            if (start[a] < end[b] + widen && start[b] < end[a] + widen) Union(parent, a, b);
            // The run that ends first cannot touch anything further along the other row.
            if (end[a] < end[b]) a++;
            else b++;
        }
    }

    private static void Union(int[] parent, int a, int b)
    {
        var ra = FindRoot(parent, a);
        var rb = FindRoot(parent, b);
        if (ra < rb) parent[rb] = ra;
        else if (rb < ra) parent[ra] = rb;
    }

    /// <summary>Root with path halving, which keeps trees shallow without a rank array.</summary>
    private static int FindRoot(int[] parent, int r)
    {
        while (parent[r] != r)
        {
            parent[r] = parent[parent[r]];
            r = parent[r];
        }
        return r;
    }
}
