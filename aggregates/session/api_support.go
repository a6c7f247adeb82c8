package session

// RuleCode and RuleField let the API answer a refusal 422 naming its rule and field.
func (e *RuleError) RuleCode() string  { return e.Rule }
func (e *RuleError) RuleField() string { return e.Field }
