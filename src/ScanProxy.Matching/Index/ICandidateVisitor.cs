namespace ScanProxy.Matching;

/// <summary>What a search does with a batch of candidate entries from one (variant, substring table) probe.</summary>
internal interface ICandidateVisitor
{
    void Visit(scoped ReadOnlySpan<int> candidates, int variant, int table);
}
