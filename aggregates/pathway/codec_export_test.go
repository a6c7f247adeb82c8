package pathway

// DecodeReference serves the external tests, which may import the generator (it
// imports this package).
var DecodeReference = decodeReference
