package pathway

// One reader per event type (codec_clock.go, codec_list.go, codec_audit.go): a switch
// from JSON name to the field it fills, which must list exactly the json tags in
// events.go (TestDecodeKnowsEveryField checks). Each reads into a local value and
// boxes it once at the end; a table of setter funcs would read as well but move every
// event to the heap twice and look each name up in a map.

// done checks nothing follows the object and boxes the event.
func done[E Event](s *scanner, e E, err error) (Event, error) {
	if err == nil {
		err = s.end()
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}
