using ElectionFunctions.Evaluation;

// make evaluate: prints the evaluation of every labelled set; --write FILE also records it (docs/classification.md).
// --set FILE evaluates one other set (printed only).
var markdown = args.SkipWhile(a => a != "--set").Skip(1).FirstOrDefault() is { } one
    ? EvaluationReport.ToMarkdown([Evaluator.Run(one, Path.GetFileName(one))])
    : EvaluationReport.ToMarkdown(Evaluator.RunAll());
Console.Write(markdown);
if (args.SkipWhile(a => a != "--write").Skip(1).FirstOrDefault() is { } file) File.WriteAllText(file, markdown);
return 0;
