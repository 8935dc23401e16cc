namespace QuicActors.Configuration.Internal;

internal enum TokenKind
{
    Eof,
    Newline,
    Whitespace,
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Comma,
    Colon,
    Equals,
    PlusEquals,
    QuotedString,
    Unquoted,
    Number,
    True,
    False,
    Null,
    Substitution,
}

/// <summary>One lexical token; <see cref="Text"/> is the decoded value for quoted strings and the raw text otherwise.</summary>
internal sealed class Token(TokenKind kind, string text, int line, int column)
{
    public TokenKind Kind { get; } = kind;

    public string Text { get; } = text;

    public int Line { get; } = line;

    public int Column { get; } = column;

    /// <summary>For substitutions: whether written <c>${?...}</c>.</summary>
    public bool Optional { get; init; }

    /// <summary>For substitutions: the tokens of the path expression between the braces.</summary>
    public List<Token>? Inner { get; init; }

    public bool IsSimpleValueStart => Kind is TokenKind.QuotedString or TokenKind.Unquoted or TokenKind.Number
        or TokenKind.True or TokenKind.False or TokenKind.Null or TokenKind.Substitution;

    public bool IsValueStart => IsSimpleValueStart || Kind is TokenKind.OpenBrace or TokenKind.OpenBracket;

    /// <summary>What the token looks like, for "found X" in syntax errors.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.Eof => "end of input",
        TokenKind.Newline => "end of line",
        TokenKind.Whitespace => "whitespace",
        TokenKind.OpenBrace => "'{'",
        TokenKind.CloseBrace => "'}'",
        TokenKind.OpenBracket => "'['",
        TokenKind.CloseBracket => "']'",
        TokenKind.Comma => "','",
        TokenKind.Colon => "':'",
        TokenKind.Equals => "'='",
        TokenKind.PlusEquals => "'+='",
        TokenKind.QuotedString => "quoted string " + Renderer.Quote(Text.Length > 40 ? Text[..40] + "..." : Text),
        TokenKind.Substitution => "substitution ${" + (Optional ? "?" : string.Empty) + "...}",
        _ => "'" + (Text.Length > 40 ? Text[..40] + "..." : Text) + "'",
    };
}
