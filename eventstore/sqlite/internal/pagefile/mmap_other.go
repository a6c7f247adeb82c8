//go:build !unix && !windows

package pagefile

import "os"

func mapFile(*os.File, int64) ([]byte, func() error, error) {
	return nil, nil, ErrUnsupported
}
