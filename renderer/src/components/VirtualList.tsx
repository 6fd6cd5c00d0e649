import { useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import type { HTMLAttributes, ReactNode, Ref } from 'react';

export interface VirtualListHandle {
  /** Scrolls the least distance that shows row `index` whole. */
  scrollToIndex: (index: number) => void;
  scrollToTop: () => void;
  /** How many whole rows fit in the viewport (a page for PageUp / PageDown). */
  pageRows: () => number;
  focus: () => void;
}

interface VirtualListProps extends Omit<HTMLAttributes<HTMLDivElement>, 'children' | 'onScroll'> {
  /** Rows the scrollbar stands for; rows not loaded yet are the caller's placeholders. */
  count: number;
  rowHeight: number;
  /** Rows rendered beyond each edge of the viewport, so a fast wheel does not show blanks. */
  overscan?: number;
  /** One row at `top` px; absolutely positioned, keyed by the caller. */
  renderRow: (index: number, top: number) => ReactNode;
  /** The rows in view (first..last, inclusive), after every change. */
  onRangeChange?: (first: number, last: number) => void;
  onScrollTop?: (top: number) => void;
  /** Where to start (restoring a position when the view is shown again). */
  initialScrollTop?: number;
  handleRef?: Ref<VirtualListHandle>;
}

/*
 * Browsers stop growing an element near 33.5M px; past this many rows the
 * list would stop scrolling (a million rows at 30 px is 30M px).
 */
const MAX_ROWS = 1_000_000;

/**
 * A fixed-row-height virtual scroller: a spacer as tall as every row gives
 * the scrollbar its true size, and only the rows in view (plus overscan) are
 * in the DOM, so 100k rows cost what 60 do. No dependency: the fixed height
 * makes the window a division, and the table's rows all share one height.
 */
export function VirtualList({
  count,
  rowHeight,
  overscan = 8,
  renderRow,
  onRangeChange,
  onScrollTop,
  initialScrollTop = 0,
  handleRef,
  ...rest
}: VirtualListProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(initialScrollTop);
  const [height, setHeight] = useState(0);
  const rows = Math.min(count, MAX_ROWS);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    if (initialScrollTop > 0) el.scrollTop = initialScrollTop;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => {
      setHeight(el.clientHeight);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
    };
    // The initial position applies once, on mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useImperativeHandle(
    handleRef,
    () => ({
      scrollToIndex: (index) => {
        const el = ref.current;
        if (!el) return;
        const top = index * rowHeight;
        if (top < el.scrollTop) el.scrollTop = top;
        else if (top + rowHeight > el.scrollTop + el.clientHeight)
          el.scrollTop = top + rowHeight - el.clientHeight;
      },
      scrollToTop: () => {
        if (ref.current) ref.current.scrollTop = 0;
      },
      pageRows: () => Math.max(1, Math.floor((ref.current?.clientHeight ?? rowHeight) / rowHeight) - 1),
      focus: () => {
        ref.current?.focus({ preventScroll: true });
      },
    }),
    [rowHeight],
  );

  const firstVisible = Math.min(Math.floor(scrollTop / rowHeight), Math.max(0, rows - 1));
  const lastVisible = Math.max(
    firstVisible,
    Math.min(rows - 1, Math.ceil((scrollTop + height) / rowHeight) - 1),
  );
  const first = Math.max(0, firstVisible - overscan);
  const last = Math.min(rows - 1, lastVisible + overscan);

  useEffect(() => {
    onRangeChange?.(firstVisible, lastVisible);
  }, [firstVisible, lastVisible, onRangeChange]);

  const rendered: ReactNode[] = [];
  for (let index = first; index <= last; index++) rendered.push(renderRow(index, index * rowHeight));

  return (
    <div
      ref={ref}
      {...rest}
      onScroll={(event) => {
        const top = event.currentTarget.scrollTop;
        setScrollTop(top);
        onScrollTop?.(top);
      }}
    >
      <div className="vlist-spacer" style={{ height: rows * rowHeight }}>
        {rendered}
      </div>
    </div>
  );
}
