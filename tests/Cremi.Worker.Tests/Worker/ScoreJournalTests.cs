using Cremi.Learning.Inference;
using Cremi.Worker.Workflows;

namespace Cremi.Worker.Tests.Worker;

/// <summary>The journal of finished blocks gives back exactly what was recorded, and nothing it cannot trust.</summary>
public sealed class ScoreJournalTests
{
    private const int Section = 6;
    private static readonly byte[] Identity = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Recorded_blocks_come_back_with_the_latest_carry()
    {
        using var root = new TempFolder();
        var journal = Record(root.File("blocks"), blocks: 3);

        var resume = journal.Resume(Section, out var why);
        Assert.Null(why);
        Assert.NotNull(resume);
        Assert.Equal((3, 7), (resume.Carry.NextBlock, resume.Carry.First));
        Assert.Equal(Carry(3).Sum, resume.Carry.Sum);
        Assert.Equal(Carry(3).Weight, resume.Carry.Weight);
        Assert.Equal([(0, 3), (3, 5), (5, 7)], resume.Slabs.Select(s => (s.Z0, s.Z1)));
        Assert.Equal(Scores(1, 2), resume.Slabs[1].Scores);
    }

    [Fact]
    public void A_journal_of_another_run_is_discarded_with_the_reason()
    {
        using var root = new TempFolder();
        Record(root.File("blocks"), blocks: 2);
        var other = new ScoreJournal(root.File("blocks"), Identity.Select(b => (byte)(b + 1)).ToArray());

        Assert.Null(other.Resume(Section, out var why));
        Assert.Contains("belongs to another run", why);
        Assert.False(Directory.Exists(root.File("blocks")));
    }

    [Fact]
    public void A_missing_block_or_a_torn_file_means_starting_again_and_a_leftover_temp_file_is_ignored()
    {
        using var root = new TempFolder();
        var journal = Record(root.File("blocks"), blocks: 3);
        File.WriteAllBytes(Path.Combine(root.File("blocks"), "carry.bin.tmp-0123"), [1, 2, 3]); // a write a kill interrupted
        Assert.NotNull(journal.Resume(Section, out _));
        Assert.Empty(Directory.GetFiles(root.File("blocks"), "*.tmp-*"));

        File.Delete(Path.Combine(root.File("blocks"), "scores-0001.bin"));
        Assert.Null(journal.Resume(Section, out var why));
        Assert.Contains("scores-0001.bin is missing", why);

        journal = Record(root.File("blocks"), blocks: 2);
        var carry = Path.Combine(root.File("blocks"), "carry.bin");
        File.WriteAllBytes(carry, File.ReadAllBytes(carry)[..^4]);
        Assert.Null(journal.Resume(Section, out why));
        Assert.Contains("carry.bin", why);
    }

    [Fact]
    public void An_empty_folder_is_a_fresh_start_without_a_complaint()
    {
        using var root = new TempFolder();
        Assert.Null(new ScoreJournal(root.File("blocks"), Identity).Resume(Section, out var why));
        Assert.Null(why);
    }

    /// <summary>Blocks of 3, 2, 2 sections; the carry after block b holds one section.</summary>
    private static ScoreJournal Record(string folder, int blocks)
    {
        var journal = new ScoreJournal(folder, Identity);
        int[] ends = [3, 5, 7];
        for (var b = 0; b < blocks; b++)
        {
            var z0 = b == 0 ? 0 : ends[b - 1];
            journal.Record(b, z0, Scores(b, ends[b] - z0), Section, Carry(b + 1));
        }
        return journal;
    }

    private static byte[] Scores(int block, int sections) => Enumerable.Range(0, sections * Section).Select(i => (byte)(block * 50 + i)).ToArray();

    private static PredictionCarry Carry(int next) => new(next, next switch { 1 => 3, 2 => 5, _ => 7 },
        Enumerable.Range(0, Section).Select(i => next + i * 0.25f).ToArray(), Enumerable.Range(0, Section).Select(i => 1f + i).ToArray());
}
