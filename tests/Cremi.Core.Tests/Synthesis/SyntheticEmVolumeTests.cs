using System.Diagnostics;
using Cremi.Core.Synthesis;
using Cremi.Core.Volumes;
using Xunit.Abstractions;

namespace Cremi.Core.Tests.Synthesis;

/// <summary>One medium volume shared by the statistical tests (rendered once).</summary>
public sealed class SyntheticVolumeFixture
{
    public SyntheticVolumeFixture()
    {
        Generator = new SyntheticEmVolume(new SyntheticEmOptions(new Shape3(20, 384, 384), Seed: 11));
        (Raw, Clefts) = Generator.RenderAll();
    }

    public SyntheticEmVolume Generator { get; }
    public Volume<byte> Raw { get; }
    public Volume<ulong> Clefts { get; }
}

public sealed class SyntheticEmVolumeTests(SyntheticVolumeFixture fixture, ITestOutputHelper output) : IClassFixture<SyntheticVolumeFixture>
{
    private static (byte[] Raw, ulong[] Clefts) Render(SyntheticEmOptions options)
    {
        var (raw, clefts) = new SyntheticEmVolume(options).RenderAll();
        return (raw.Data, clefts.Data);
    }

    [Fact]
    public void The_same_seed_gives_byte_identical_volumes_whatever_the_thread_count()
    {
        var shape = new Shape3(6, 128, 160);
        var a = Render(new SyntheticEmOptions(shape, 5) { MaxDegreeOfParallelism = 1 });
        var b = Render(new SyntheticEmOptions(shape, 5) { MaxDegreeOfParallelism = 4 });
        Assert.Equal(a.Raw, b.Raw);
        Assert.Equal(a.Clefts, b.Clefts);
    }

    [Fact]
    public void Different_seeds_give_different_volumes()
    {
        var shape = new Shape3(4, 96, 96);
        var a = Render(new SyntheticEmOptions(shape, 1));
        var b = Render(new SyntheticEmOptions(shape, 2));
        var differing = a.Raw.Zip(b.Raw).Count(p => p.First != p.Second);
        Assert.True(differing > a.Raw.Length / 2, $"only {differing} of {a.Raw.Length} voxels differ");
    }

    [Fact]
    public void Any_slab_split_renders_the_same_voxels_as_rendering_everything()
    {
        // High defect rates so that missing and shifted sections are part of the comparison.
        var options = new SyntheticEmOptions(new Shape3(10, 80, 112), 21) { MissingSectionRate = 0.2, ShiftedSectionRate = 0.3 };
        var generator = new SyntheticEmVolume(options);
        var (raw, clefts) = generator.RenderAll();
        Assert.Contains(generator.Sections, s => s.Defect != SectionDefect.None);
        var size = options.Shape.SectionSize;
        foreach (var split in new[] { new[] { 10 }, new[] { 3, 1, 4, 2 }, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, new[] { 7, 3 } })
        {
            var z0 = 0;
            foreach (var depth in split)
            {
                var slabRaw = new byte[depth * size];
                var slabClefts = new ulong[depth * size];
                new SyntheticEmVolume(options).RenderSlab(z0, depth, slabRaw, slabClefts);
                Assert.Equal(raw.Data.AsSpan(z0 * size, depth * size).ToArray(), slabRaw);
                Assert.Equal(clefts.Data.AsSpan(z0 * size, depth * size).ToArray(), slabClefts);
                z0 += depth;
            }
        }
    }

    [Fact]
    public void Clefts_are_a_small_but_present_fraction_of_the_voxels()
    {
        var cleftVoxels = fixture.Clefts.Data.LongCount(CleftLabel.IsCleft);
        var fraction = (double)cleftVoxels / fixture.Clefts.Data.LongLength;
        output.WriteLine($"{fixture.Generator.Synapses.Count} synapses, cleft fraction {fraction:P3}");
        Assert.InRange(fraction, 0.0003, 0.01);
        Assert.DoesNotContain(fixture.Clefts.Data, v => v != CleftLabel.Background && !CleftLabel.IsCleft(v));
    }

    [Fact]
    public void Each_cleft_spans_two_to_six_sections_on_a_dark_membrane_with_a_vesicle_cloud_beside_it()
    {
        var shape = fixture.Raw.Shape;
        var ids = fixture.Clefts.Data.Where(CleftLabel.IsCleft).Distinct().Order().ToList();
        Assert.NotEmpty(ids);
        // Ids are the synapse numbers 1..n.
        Assert.All(ids, id => Assert.InRange(id, 1UL, (ulong)fixture.Generator.Synapses.Count));
        foreach (var id in ids)
        {
            var sections = new SortedSet<int>();
            double sy = 0, sx = 0, sz = 0;
            long n = 0, nearDark = 0, checkedVoxels = 0;
            for (var z = 0; z < shape.Z; z++)
            for (var y = 0; y < shape.Y; y++)
            for (var x = 0; x < shape.X; x++)
            {
                if (fixture.Clefts[z, y, x] != id) continue;
                sections.Add(z);
                sz += z * 40.0; sy += y * 4.0; sx += x * 4.0; n++;
                if (fixture.Generator.Sections[z].IsMissing) continue;
                checkedVoxels++;
                // A membrane: some voxel within 2 px is dark (well below the neuropil mean).
                var dark = false;
                for (var dy = -2; dy <= 2 && !dark; dy++)
                for (var dx = -2; dx <= 2 && !dark; dx++)
                    dark = shape.Contains(z, y + dy, x + dx) && fixture.Raw[z, y + dy, x + dx] < 95;
                if (dark) nearDark++;
            }
            var span = sections.Max - sections.Min + 1;
            Assert.InRange(span, 2, 6);
            Assert.True(nearDark >= 0.8 * checkedVoxels, $"cleft {id}: only {nearDark} of {checkedVoxels} voxels are next to a dark membrane");
            var synapse = fixture.Generator.Synapses[(int)id - 1];
            Assert.True(synapse.VesicleCount >= 10, $"cleft {id} has {synapse.VesicleCount} vesicles");
            var distance = Math.Sqrt(Math.Pow(synapse.VesicleCloudZ - sz / n, 2) + Math.Pow(synapse.VesicleCloudY - sy / n, 2) + Math.Pow(synapse.VesicleCloudX - sx / n, 2));
            Assert.True(distance < synapse.VesicleCloudRadius + 200, $"cleft {id}: vesicle cloud {distance:F0} nm away");
            output.WriteLine($"cleft {id}: sections {sections.Min}..{sections.Max}, {n} voxels, {nearDark}/{checkedVoxels} near dark, cloud {distance:F0} nm, {synapse.VesicleCount} vesicles");
        }
    }

    [Fact]
    public void A_darkness_threshold_is_a_poor_cleft_detector()
    {
        // Voxel F1 of "raw <= t is cleft" for every t; membranes, mitochondria and vesicle rims are as dark as clefts.
        var total = new long[256];
        var hits = new long[256];
        for (var i = 0; i < fixture.Raw.Data.Length; i++)
        {
            total[fixture.Raw.Data[i]]++;
            if (CleftLabel.IsCleft(fixture.Clefts.Data[i])) hits[fixture.Raw.Data[i]]++;
        }
        var positives = hits.Sum();
        long predicted = 0, truePositives = 0;
        double best = 0;
        var bestT = 0;
        for (var t = 0; t < 256; t++)
        {
            predicted += total[t];
            truePositives += hits[t];
            if (predicted == 0) continue;
            var f1 = 2.0 * truePositives / (predicted + positives);
            if (f1 > best) (best, bestT) = (f1, t);
        }
        output.WriteLine($"best darkness-threshold F1 {best:F3} at raw <= {bestT}");
        Assert.True(best < 0.2, $"a threshold at {bestT} reaches F1 {best:F3}");
    }

    [Fact]
    public void Intensities_span_a_realistic_grey_range()
    {
        var histogram = new long[256];
        foreach (var v in fixture.Raw.Data) histogram[v]++;
        long count = fixture.Raw.Data.Length, cumulative = 0;
        int p1 = -1, p50 = -1, p99 = -1;
        for (var v = 0; v < 256; v++)
        {
            cumulative += histogram[v];
            if (p1 < 0 && cumulative >= count / 100) p1 = v;
            if (p50 < 0 && cumulative >= count / 2) p50 = v;
            if (p99 < 0 && cumulative >= count * 99 / 100) p99 = v;
        }
        output.WriteLine($"p1 {p1} p50 {p50} p99 {p99}, {histogram.Count(h => h > 0)} distinct values");
        Assert.InRange(p50, 110, 180);
        Assert.True(p1 < 90, $"1st percentile {p1}");
        Assert.True(p99 > 170, $"99th percentile {p99}");
        Assert.True(histogram.Count(h => h > count / 10000) > 120, "too few grey levels in use");
    }

    [Fact]
    public void Missing_sections_keep_their_labels_and_have_a_nearly_uniform_raw_slice()
    {
        var options = new SyntheticEmOptions(new Shape3(12, 128, 128), 3) { MissingSectionRate = 0.5, ShiftedSectionRate = 0, SynapsesPerCubicMicron = 40 };
        var generator = new SyntheticEmVolume(options);
        var (raw, clefts) = generator.RenderAll();
        var unchanged = new SyntheticEmVolume(options with { MissingSectionRate = 0 }).RenderAll();
        var missing = Enumerable.Range(0, 12).Where(z => generator.Sections[z].IsMissing).ToList();
        Assert.NotEmpty(missing);
        foreach (var z in missing)
        {
            var section = raw.Section(z).ToArray();
            var mean = section.Average(v => (double)v);
            var sd = Math.Sqrt(section.Average(v => (v - mean) * (v - mean)));
            Assert.True(sd < 8, $"section {z} has sd {sd:F1}");
            // As in CREMI the labels survive a defective raw slice.
            Assert.Equal(unchanged.Clefts.Section(z).ToArray(), clefts.Section(z).ToArray());
        }
        Assert.Contains(clefts.Data, CleftLabel.IsCleft);
    }

    [Fact]
    public void A_shifted_section_moves_raw_and_labels_together()
    {
        var options = new SyntheticEmOptions(new Shape3(12, 128, 128), 8) { MissingSectionRate = 0, ShiftedSectionRate = 0.5, MaxShiftPx = 12 };
        var generator = new SyntheticEmVolume(options);
        var shifted = generator.Sections.Select((s, z) => (s, z)).Where(p => p.s.Defect == SectionDefect.Shifted).ToList();
        Assert.NotEmpty(shifted);
        Assert.All(shifted, p => Assert.True(Math.Abs(p.s.ShiftY) <= 12 && Math.Abs(p.s.ShiftX) <= 12 && (p.s.ShiftY, p.s.ShiftX) != (0, 0)));
        // Only the shift changes the labels: the world seen through the shift is the same world.
        var (_, clefts) = generator.RenderAll();
        var straight = new SyntheticEmVolume(options with { ShiftedSectionRate = 0 }).RenderAll().Clefts;
        foreach (var (info, z) in shifted)
        for (var y = 16; y < 112; y++)
        for (var x = 16; x < 112; x++)
            Assert.Equal(straight[z, y + info.ShiftY, x + info.ShiftX], clefts[z, y, x]);
    }

    [Fact]
    public void A_small_volume_renders_quickly()
    {
        var clock = Stopwatch.StartNew();
        var generator = new SyntheticEmVolume(new SyntheticEmOptions(new Shape3(8, 96, 96), 4));
        var (raw, clefts) = generator.RenderAll();
        clock.Stop();
        output.WriteLine($"8x96x96 in {clock.ElapsedMilliseconds} ms, {generator.CellCount} cells, model {generator.ModelBytes} bytes");
        Assert.Equal(new Shape3(8, 96, 96), raw.Shape);
        Assert.Equal(VoxelSize.Cremi, raw.Resolution);
        Assert.Equal(raw.Shape, clefts.Shape);
        Assert.True(clock.ElapsedMilliseconds < 2000, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void The_world_model_is_far_smaller_than_the_volume()
    {
        var generator = new SyntheticEmVolume(new SyntheticEmOptions(new Shape3(125, 1250, 1250), 1));
        Assert.True(generator.ModelBytes < 20_000_000, $"model {generator.ModelBytes} bytes");
        Assert.InRange(generator.Synapses.Count, 100, 600);
    }

    [Fact]
    public void Slabs_outside_the_volume_or_of_the_wrong_size_are_refused()
    {
        var generator = new SyntheticEmVolume(new SyntheticEmOptions(new Shape3(4, 32, 32), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.RenderSlab(3, 2, new byte[2 * 1024], new ulong[2 * 1024]));
        Assert.Throws<ArgumentException>(() => generator.RenderSlab(0, 2, new byte[1024], new ulong[2 * 1024]));
        generator.RenderSlab(0, 2, new byte[2 * 1024], Span<ulong>.Empty); // labels optional
    }
}
