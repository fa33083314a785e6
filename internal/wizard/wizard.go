package wizard

import (
	"context"
	"errors"
	"io"

	"github.com/charmbracelet/lipgloss"

	"github.com/platform-team/platform/internal/scaffold"
)

// ErrCancelled means the user stopped the wizard: Esc or Ctrl-C at a terminal,
// the end of the input in accessible mode, or declining the summary.
var ErrCancelled = errors.New("cancelled")

// Wizard runs the forms of `platform new service`, at a terminal or, in
// accessible mode, as plain line prompts that also work with piped input.
type Wizard struct {
	*Prompter
}

// New returns a wizard reading in and drawing on out. In accessible mode it
// asks one question per line; an empty line takes the default.
func New(in io.Reader, out io.Writer, accessible, color bool) *Wizard {
	return &Wizard{Prompter: NewPrompter(in, out, accessible, color)}
}

// ChooseTemplate asks for a template until a golden path is chosen or a silver
// path's trade-offs are accepted.
func (w *Wizard) ChooseTemplate(ctx context.Context, list []*scaffold.Template, def string) (*scaffold.Template, error) {
	for {
		form, choice := TemplateForm(list, def)
		if err := w.Run(ctx, form); err != nil {
			return nil, err
		}
		for _, t := range list {
			if t.Name() != *choice {
				continue
			}
			if t.Manifest.Spec.Path != scaffold.PathSilver {
				return t, nil
			}
			ok, err := w.AcceptTradeoffs(ctx, t)
			if err != nil {
				return nil, err
			}
			if ok {
				return t, nil
			}
			def = *choice
		}
	}
}

// AcceptTradeoffs shows a silver path's trade-offs and asks for acceptance.
func (w *Wizard) AcceptTradeoffs(ctx context.Context, t *scaffold.Template) (bool, error) {
	form, accepted := TradeoffsForm(t)
	if err := w.Run(ctx, form); err != nil {
		return false, err
	}
	return *accepted, nil
}

// Ask asks for every parameter not given and returns all values. They are not
// validated as a whole here: the caller validates them again, as for flags.
// Conditional parameters are asked once their conditions can be decided,
// and only when they hold: a question whose condition depends on an answer
// comes in a form after the one that asked it.
func (w *Wizard) Ask(ctx context.Context, t *scaffold.Template, given scaffold.Values) (scaffold.Values, error) {
	values := given
	asked := map[string]bool{}
	for {
		form, answers := parametersForm(t, values, asked, w.canHide())
		if form == nil {
			return values, nil
		}
		if err := w.Run(ctx, form); err != nil {
			return nil, err
		}
		var err error
		if values, err = answers.Values(values); err != nil {
			return nil, err
		}
		for _, p := range answers.params {
			asked[p.Name] = true
		}
	}
}

// Confirm shows the summary of a new service and asks whether to create it.
func (w *Wizard) Confirm(ctx context.Context, summary string) error {
	return w.ConfirmTo(ctx, summary, "Create the service?", "Create")
}

// ConfirmTo shows the summary and asks question, whose yes button says
// affirmative; no, Esc or Ctrl-C is ErrCancelled. At a terminal the summary
// is drawn as a panel; accessible mode keeps it plain for screen readers.
func (w *Wizard) ConfirmTo(ctx context.Context, summary, question, affirmative string) error {
	if !w.accessible {
		summary = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1).Render(summary)
	}
	form, ok := ConfirmForm(summary, question, affirmative)
	if err := w.Run(ctx, form); err != nil {
		return err
	}
	if !*ok {
		return ErrCancelled
	}
	return nil
}
