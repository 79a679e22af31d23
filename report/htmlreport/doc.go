// Package htmlreport writes mesosim's one-file HTML reports: the
// scenario, its provenance, the summary tables and inline SVG figures
// drawn by package plots. No JavaScript, no external resource: the file
// reads offline. The same data give the same bytes.
package htmlreport

import (
	"bytes"
	"html/template"
	"io"
	"strings"

	"gonum.org/v1/plot"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/plots"
)

// Doc is one report.
type Doc struct {
	Title       string
	Description string
	Provenance  *report.Provenance
	Sections    []Section
}

// Section is one part of a report: a heading, then any of a paragraph,
// preformatted text (a summary table), figures and a table.
type Section struct {
	Heading string
	Text    string
	Pre     string
	Figures []Figure
	Table   *Table
}

// Figure is one inline SVG figure with its caption.
type Figure struct {
	Caption string
	SVG     template.HTML
}

// Table is an HTML table.
type Table struct {
	Header []string
	Rows   [][]string
}

// FigureOf renders p as inline SVG.
func FigureOf(p *plot.Plot, caption string) (Figure, error) {
	b, err := plots.Render(p, "svg", 0, 0)
	if err != nil {
		return Figure{}, err
	}
	s := string(b)
	if i := strings.Index(s, "<svg"); i > 0 {
		s = s[i:] // inline: no XML prolog or DOCTYPE
	}
	return Figure{Caption: caption, SVG: template.HTML(s)}, nil
}

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
pre { font-size: 12px; overflow-x: auto; background: #f7f7f7; padding: .6em; }
table { border-collapse: collapse; font-size: 13px; margin: .5em 0; }
td, th { border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #eee; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: #555; }
code { font-size: 12px; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if .Description}}<p class="description">{{.Description}}</p>{{end}}
{{with .Provenance}}<table class="provenance">
<tr><th>scenario</th><td>{{.Scenario}}</td></tr>
<tr><th>scenario_sha256</th><td><code>{{.ScenarioSHA256}}</code></td></tr>
{{if .Seeds}}<tr><th>seeds</th><td>{{.Seeds}}</td></tr>{{else}}<tr><th>seed</th><td>{{.Seed}}</td></tr>{{end}}
<tr><th>allocator</th><td>{{.Allocator}}</td></tr>
<tr><th>overrides</th><td>{{range .Overrides}}<code>--set {{.}}</code> {{else}}none{{end}}</td></tr>
<tr><th>duration</th><td>{{.Duration}}</td></tr>
<tr><th>version</th><td>mesosim {{.Version}}, revision <code>{{.Revision}}</code>, {{.Go}}</td></tr>
</table>{{end}}
{{range .Sections}}<section>
<h2>{{.Heading}}</h2>
{{if .Text}}<p>{{.Text}}</p>{{end}}
{{range .Figures}}<figure>{{.SVG}}<figcaption>{{.Caption}}</figcaption></figure>
{{end}}{{with .Table}}<table>
<tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>{{end}}
{{if .Pre}}<pre>{{.Pre}}</pre>{{end}}
</section>
{{end}}</body>
</html>
`))

// Write writes d as one HTML file.
func (d *Doc) Write(w io.Writer) error {
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
